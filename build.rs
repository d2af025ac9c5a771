//! Rebuilds the binary when the embedded default theme changes.
fn main() {
    println!("cargo:rerun-if-changed=templates");
}
