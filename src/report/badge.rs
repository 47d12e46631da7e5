//! A shields-style flat SVG badge with the checklist score: "portfolio | 72%",
//! red below 50, yellow below 75, green from 75; grey "n/a" when nothing
//! could be measured. The label is the user's and is escaped (askama).

use super::{config_note, Grade};
use crate::model::Report;
use askama::Template;
use std::io::{self, Write};

#[derive(Template)]
#[template(path = "badge.svg", config = "src/report/templates/askama.toml")]
struct Badge<'a> {
    /// Said in the title, after the value: what narrowed the score.
    note: String,
    label: &'a str,
    value: String,
    color: &'static str,
    label_width: u32,
    value_width: u32,
}

impl Badge<'_> {
    fn width(&self) -> u32 {
        self.label_width + self.value_width
    }
}

/// The badge colour of a score, as shields names them: red, yellow, brightgreen.
pub fn color(score: u32) -> &'static str {
    match Grade::of(score) {
        Grade::Good => "#4c1",
        Grade::Fair => "#dfb317",
        Grade::Low => "#e05d44",
    }
}

/// Width of `text` in Verdana 11px, the badge font, from its advance widths
/// (font units of 2048 per em) for ASCII; other characters count as wide
/// letters. The renderer fits the text to this width (`textLength`), so an
/// estimate a few percent off only squeezes or spreads the letters.
fn text_width(text: &str) -> f64 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '\'' | '|' => 580,
            ' ' | 'f' | '!' | '.' | ',' | ':' | ';' => 720,
            't' | '(' | ')' | '[' | ']' | '-' | 'I' => 830,
            'r' | '/' | '\\' => 900,
            'c' | 's' | 'z' | 'J' => 1080,
            'k' | 'v' | 'x' | 'y' | '_' | '?' => 1190,
            'a' | 'e' | 'g' | 'o' | 'b' | 'd' | 'p' | 'q' | 'L' => 1260,
            'n' | 'h' | 'u' | '0'..='9' | '#' | '$' | '+' | '=' | '<' | '>' | '~' => 1300,
            'w' | 'O' | 'Q' | 'D' | 'G' | 'H' | 'N' | 'U' | 'C' => 1600,
            'm' | 'M' | 'W' | '%' | '@' => 2000,
            'A'..='Z' => 1420,
            _ => 1500,
        })
        .sum();
    f64::from(units) * 11.0 / 2048.0
}

/// The badge for the report's checklist score, labelled `label`.
pub fn render(report: &Report, label: &str, out: &mut dyn Write) -> io::Result<()> {
    let c = &report.portfolio.checklist;
    let (mut value, color) = if c.measurable == 0 {
        ("n/a".to_string(), "#9f9f9f")
    } else {
        (format!("{}%", c.score), color(c.score))
    };
    // A score narrowed by ignored items carries a mark, explained in the title.
    if !c.ignored.is_empty() {
        value.push('*');
    }
    // 5px of padding on each side of each half, as shields does.
    let pad = |t: &str| (text_width(t) + 10.0).round() as u32;
    let badge = Badge {
        note: config_note(c)
            .map(|n| format!(" (*{n})"))
            .unwrap_or_default(),
        label,
        label_width: pad(label),
        value_width: pad(&value),
        value,
        color,
    };
    let svg = badge.render().map_err(io::Error::other)?;
    out.write_all(svg.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_step_at_50_and_75() {
        assert_eq!(color(49), "#e05d44");
        assert_eq!(color(50), "#dfb317");
        assert_eq!(color(74), "#dfb317");
        assert_eq!(color(75), "#4c1");
        assert_eq!(color(100), "#4c1");
    }

    #[test]
    fn wider_text_gets_a_wider_half() {
        assert!(text_width("portfolio") > text_width("72%"));
        assert!(text_width("mmm") > text_width("iii"));
        // shields measures "portfolio" at about 46px in Verdana 11px.
        assert!((40.0..52.0).contains(&text_width("portfolio")));
    }
}
