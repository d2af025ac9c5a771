//! QR codes as inline SVG, for printed handouts: participants scan a case's absolute URL.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode};

/// Quiet zone around the code, in modules (the standard asks for 4).
const QUIET_ZONE: usize = 4;

/// An SVG QR code for `text`, one `<path>` of unit squares, scaled by CSS. `label` becomes
/// the accessible name. `None` if the text is too long for a QR code.
pub fn qr_svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::with_capacity(width * width * 4);
    for (index, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (index % width + QUIET_ZONE, index / width + QUIET_ZONE);
            let _ = write!(path, "M{x} {y}h1v1h-1z");
        }
    }
    Some(format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"{}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        crate::escape::html(label)
    ))
}

#[cfg(test)]
mod tests {
    use super::qr_svg;

    /// Rasterizes an SVG written by [`qr_svg`] and decodes it with an independent decoder.
    pub fn decode(svg: &str) -> String {
        let size: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let path = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut dark = vec![false; size * size];
        for square in path.split('M').filter(|s| !s.is_empty()) {
            let coords = square.trim_end_matches("h1v1h-1z");
            let (x, y) = coords.split_once(' ').unwrap();
            dark[y.parse::<usize>().unwrap() * size + x.parse::<usize>().unwrap()] = true;
        }
        let scale = 4;
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(size * scale, size * scale, |x, y| {
                if dark[(y / scale) * size + x / scale] {
                    0
                } else {
                    255
                }
            });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[test]
    fn decodes_to_the_url() {
        let url = "https://example.org/biaogan/2023/zhong-yuan-heng-xin-jing-mi-ji-xie/";
        let svg = qr_svg(url, "二维码<测试>").unwrap();
        assert!(svg.contains("aria-label=\"二维码&lt;测试&gt;\""));
        assert_eq!(decode(&svg), url);
    }
}
