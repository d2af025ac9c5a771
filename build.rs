//! Rebuilds the binary when the embedded default theme changes, and stamps it with a hash of
//! its own sources (`BIAOGAN_SOURCE_HASH`) so that build caches written by a different
//! biaogan are never reused.

use std::path::Path;

fn hash_tree(dir: &Path, hash: &mut u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            hash_tree(&path, hash);
        } else if let Ok(bytes) = std::fs::read(&path) {
            let name = path.to_string_lossy();
            for b in name.as_bytes().iter().chain(&bytes) {
                *hash ^= u64::from(*b);
                *hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for dir in ["src", "templates"] {
        hash_tree(Path::new(dir), &mut hash);
    }
    if let Ok(lock) = std::fs::read("Cargo.lock") {
        for b in lock {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=BIAOGAN_SOURCE_HASH={hash:016x}");
}
