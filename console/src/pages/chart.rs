//! Bar charts drawn on the server as SVG, so a report's figures can be seen
//! at a glance without any script (the console's Content-Security-Policy
//! allows none inline): one horizontal bar per label, scaled to the largest
//! value, the value written at the bar's end. The template places the
//! numbers; no style attribute is used (presentation attributes only).

/// A value to draw: its label, the value, and the value as shown.
pub type Value = (String, i64, String);

/// One bar.
pub struct Bar {
    pub label: String,
    /// Its value written for people ("48.000.000 đ").
    pub shown: String,
    /// Where the label sits and the bar starts and ends, in SVG units.
    pub y: u32,
    pub text_y: u32,
    pub width: u32,
}

/// A chart ready for `chart.html`.
pub struct BarChart {
    pub title: String,
    pub bars: Vec<Bar>,
    pub height: u32,
    /// Where the bars start (after the labels).
    pub left: u32,
    pub bar_height: u32,
}

/// Total width of the drawing, in SVG units (it scales to its box).
pub const WIDTH: u32 = 640;
const LEFT: u32 = 220;
/// Room kept right of the longest bar for its value.
const VALUE_ROOM: u32 = 140;
const ROW: u32 = 30;
const BAR: u32 = 20;

/// The chart of `values` (label, value, value as shown); negative values
/// count as 0. None when there is nothing to draw.
pub fn bars(title: &str, values: &[Value]) -> Option<BarChart> {
    if values.is_empty() {
        return None;
    }
    let max = values.iter().map(|(_, v, _)| (*v).max(0)).max().unwrap_or(0);
    let room = u64::from(WIDTH - LEFT - VALUE_ROOM);
    let bars = values
        .iter()
        .zip(0_u32..)
        .map(|((label, value, shown), i)| {
            let value = u64::try_from((*value).max(0)).unwrap_or(0);
            let max = u64::try_from(max).unwrap_or(0);
            let width = if max == 0 {
                0
            } else {
                // At least a sliver for any value above zero.
                u32::try_from((value * room).div_ceil(max)).unwrap_or(0)
            };
            Bar {
                label: label.clone(),
                shown: shown.clone(),
                y: 6 + i * ROW,
                text_y: 6 + i * ROW + BAR / 2 + 5,
                width,
            }
        })
        .collect::<Vec<_>>();
    let height = 12 + u32::try_from(bars.len()).unwrap_or(0) * ROW;
    Some(BarChart {
        title: title.to_string(),
        bars,
        height,
        left: LEFT,
        bar_height: BAR,
    })
}

impl BarChart {
    /// The x where a bar's value is written.
    pub fn value_x(&self, bar: &Bar) -> u32 {
        self.left + bar.width + 6
    }

    pub fn width(&self) -> u32 {
        WIDTH
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_zero_draws_nothing() {
        let chart = bars(
            "Văn bản",
            &[
                ("Đến".into(), 40, "40".into()),
                ("Đi".into(), 10, "10".into()),
                ("Quá hạn".into(), 0, "0".into()),
                ("Âm".into(), -5, "-5".into()),
            ],
        )
        .expect("a chart");
        let widths: Vec<u32> = chart.bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, vec![280, 70, 0, 0]);
        assert_eq!(chart.height, 12 + 4 * 30);
        assert!(bars("Trống", &[]).is_none());
        let flat = bars("Không", &[("A".into(), 0, "0".into())]).expect("a chart");
        assert_eq!(flat.bars[0].width, 0);
    }
}
