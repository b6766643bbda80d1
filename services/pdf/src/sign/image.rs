//! The pictures a signature shows (docs/domain.md §2.7): the image of the
//! signer's handwritten signature and the issuing body's seal, delivered
//! as PNG with a transparent background and drawn in the signature's
//! visible box.

use std::io::Cursor;

use crate::Error;

/// Largest picture accepted, in pixels a side: a seal scanned at 600 dpi
/// is about 1,000 pixels across.
const MAX_SIDE: u32 = 3000;
/// Largest PNG file accepted.
pub const MAX_FILE: usize = 4 * 1024 * 1024;

/// A decoded picture: 8-bit RGB samples and, when the PNG has
/// transparency, its 8-bit alpha channel (the PDF's soft mask).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkImage {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
    pub alpha: Option<Vec<u8>>,
}

impl MarkImage {
    /// Reads a PNG of any colour type and depth.
    pub fn from_png(bytes: &[u8]) -> Result<MarkImage, Error> {
        let bad = |e: String| Error::Image(e);
        if bytes.len() > MAX_FILE {
            return Err(bad(format!("the file is larger than {} MiB", MAX_FILE / 1024 / 1024)));
        }
        let mut decoder = png::Decoder::new(Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().map_err(|e| bad(e.to_string()))?;
        let (width, height) = {
            let info = reader.info();
            (info.width, info.height)
        };
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(bad(format!(
                "the picture is {width}×{height} pixels; at most {MAX_SIDE} a side"
            )));
        }
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| bad("the picture is too large".into()))?;
        let mut buffer = vec![0; size];
        let frame = reader.next_frame(&mut buffer).map_err(|e| bad(e.to_string()))?;
        let pixels = &buffer[..frame.buffer_size()];
        let channels = match frame.color_type {
            png::ColorType::Grayscale => 1,
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            png::ColorType::Indexed => return Err(bad("an indexed PNG that was not expanded".into())),
        };
        let count = (width * height) as usize;
        if pixels.len() < count * channels {
            return Err(bad("the picture's data is short".into()));
        }
        let mut rgb = Vec::with_capacity(count * 3);
        let mut alpha = Vec::with_capacity(if channels % 2 == 0 { count } else { 0 });
        for pixel in pixels.chunks_exact(channels).take(count) {
            match pixel {
                [g] => rgb.extend_from_slice(&[*g, *g, *g]),
                [g, a] => {
                    rgb.extend_from_slice(&[*g, *g, *g]);
                    alpha.push(*a);
                }
                [r, g, b] => rgb.extend_from_slice(&[*r, *g, *b]),
                [r, g, b, a] => {
                    rgb.extend_from_slice(&[*r, *g, *b]);
                    alpha.push(*a);
                }
                _ => return Err(bad("the picture's data is malformed".into())),
            }
        }
        Ok(MarkImage {
            width,
            height,
            rgb,
            alpha: (!alpha.is_empty()).then_some(alpha),
        })
    }

    /// The largest box of the picture's proportions inside `width` ×
    /// `height`, centred: (x, y, w, h).
    pub fn fit(&self, width: f32, height: f32) -> (f32, f32, f32, f32) {
        let scale = (width / self.width as f32).min(height / self.height as f32);
        let (w, h) = (self.width as f32 * scale, self.height as f32 * scale);
        ((width - w) / 2.0, (height - h) / 2.0, w, h)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A red ring on a transparent background, as a seal's PNG would be.
    pub(crate) fn seal_png(side: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, side, side);
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().unwrap();
            let c = side as f32 / 2.0;
            let mut data = Vec::new();
            for y in 0..side {
                for x in 0..side {
                    let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
                    let on = d < c - 1.0 && d > c * 0.8;
                    data.extend_from_slice(&[220, 20, 20, if on { 255 } else { 0 }]);
                }
            }
            writer.write_image_data(&data).unwrap();
        }
        out
    }

    #[test]
    fn a_transparent_png_keeps_its_alpha_as_a_mask() {
        let image = MarkImage::from_png(&seal_png(40)).unwrap();
        assert_eq!((image.width, image.height), (40, 40));
        assert_eq!(image.rgb.len(), 40 * 40 * 3);
        let alpha = image.alpha.as_ref().unwrap();
        assert_eq!(alpha[0], 0, "the corner is transparent");
        assert!(alpha.contains(&255));
    }

    #[test]
    fn what_is_not_a_png_is_refused_with_a_reason() {
        assert!(matches!(MarkImage::from_png(b"GIF89a...."), Err(Error::Image(_))));
    }

    #[test]
    fn a_picture_keeps_its_proportions_in_the_box() {
        let image = MarkImage {
            width: 200,
            height: 100,
            rgb: vec![0; 200 * 100 * 3],
            alpha: None,
        };
        let (x, y, w, h) = image.fit(100.0, 100.0);
        assert_eq!((x, w, h), (0.0, 100.0, 50.0));
        assert_eq!(y, 25.0);
    }
}
