//! The run's result: one line per figure with its floor, the ratio between
//! them and the goal of issue #16 it is held to.

use std::time::Duration;

use crate::load::Stats;

/// How a figure is held to its goal.
#[derive(Debug, Clone, Copy)]
pub enum Goal {
    /// The figure is at least this share of the floor.
    AtLeast(f64),
    /// The figure is at most this multiple of the floor (times, sizes).
    AtMost(f64),
    /// Shown for comparison only.
    None,
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Line {
    pub figure: String,
    pub value: String,
    pub floor: String,
    /// figure / floor.
    pub ratio: Option<f64>,
    pub goal: Goal,
    /// A further condition (p99 against p50), with its text when it fails.
    pub also: Option<Result<(), String>>,
}

impl Line {
    pub fn pass(&self) -> Option<bool> {
        let also = self.also.as_ref().is_none_or(Result::is_ok);
        match (self.goal, self.ratio) {
            (Goal::AtLeast(goal), Some(r)) => Some(r >= goal && also),
            (Goal::AtMost(goal), Some(r)) => Some(r <= goal && also),
            (Goal::None, _) => None,
            (_, None) => Some(false),
        }
    }

    fn goal_text(&self) -> String {
        let base = match self.goal {
            Goal::AtLeast(g) => format!("≥ {:.0} %", g * 100.0),
            Goal::AtMost(g) if g >= 1.5 => format!("≤ {g:.0}×"),
            Goal::AtMost(g) => format!("≤ {:.0} %", g * 100.0),
            Goal::None => "—".into(),
        };
        match &self.also {
            Some(Err(why)) => format!("{base}; {why}"),
            _ => base,
        }
    }
}

/// Calls per second with their p50 and p99, and failures if any.
pub fn rate(stats: &Stats) -> String {
    let mut text = format!(
        "{:.0}/s p50 {} p99 {}",
        stats.rate(),
        millis(stats.percentile(0.5)),
        millis(stats.percentile(0.99))
    );
    if stats.failed > 0 {
        text.push_str(&format!(
            " ({} failed: {})",
            stats.failed,
            stats.first_error.as_deref().unwrap_or("?")
        ));
    }
    text
}

pub fn millis(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// p99 within `times` × p50 (a queue, not a stall).
pub fn tail_within(stats: &Stats, times: u32) -> Result<(), String> {
    let (p50, p99) = (stats.percentile(0.5), stats.percentile(0.99));
    if p99 <= p50 * times {
        Ok(())
    } else {
        Err(format!("p99 > {times}× p50"))
    }
}

/// The table as text, columns aligned.
pub fn render(lines: &[Line]) -> String {
    let header = ["figure", "value", "floor", "ratio", "goal", "result"];
    let rows: Vec<[String; 6]> = lines
        .iter()
        .map(|l| {
            [
                l.figure.clone(),
                l.value.clone(),
                l.floor.clone(),
                l.ratio.map_or("—".into(), |r| {
                    if matches!(l.goal, Goal::AtMost(g) if g >= 1.5) {
                        format!("{r:.1}×")
                    } else {
                        format!("{:.1} %", r * 100.0)
                    }
                }),
                l.goal_text(),
                match l.pass() {
                    Some(true) => "pass".into(),
                    Some(false) => "FAIL".into(),
                    None => "—".into(),
                },
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(&header.map(String::from));
    out.push_str(&line(&widths.map(|w| "-".repeat(w))));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}
