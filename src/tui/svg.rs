//! A ratatui buffer as a standalone SVG picture of a terminal window: the README's
//! screenshots (`cargo run --example screenshots`). Every cell keeps its symbol, colours
//! and bold / dim / italic / underline / reversed modifiers; named and indexed colours
//! use xterm's default palette on a dark background.
//!
//! Each character is placed at its own cell's x position, so columns line up whatever
//! font the viewer picks. The output depends only on the buffer and the title.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::text::Span;

/// Cell width and height, in pixels.
const CW: u32 = 9;
const CH: u32 = 19;
/// Font size, and the baseline's offset from the top of a cell.
const FONT_SIZE: u32 = 15;
const BASELINE: u32 = 14;
/// Padding around the cells, and the height of the title bar.
const PAD_X: u32 = 14;
const PAD_Y: u32 = 10;
const TITLE_BAR: u32 = 34;
const RADIUS: u32 = 8;

const FONT: &str = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";

/// The terminal's default colours (`Color::Reset`).
const DEFAULT_FG: Rgb = Rgb(0xe5, 0xe5, 0xe5);
const DEFAULT_BG: Rgb = Rgb(0x1c, 0x1c, 0x1c);
const TITLE_BAR_BG: &str = "#2e2e2e";
const TITLE_FG: &str = "#a8a8a8";
const FRAME: &str = "#4a4a4a";

/// xterm's default 16 colours.
const XTERM16: [Rgb; 16] = [
    Rgb(0x00, 0x00, 0x00),
    Rgb(0xcd, 0x00, 0x00),
    Rgb(0x00, 0xcd, 0x00),
    Rgb(0xcd, 0xcd, 0x00),
    Rgb(0x00, 0x00, 0xee),
    Rgb(0xcd, 0x00, 0xcd),
    Rgb(0x00, 0xcd, 0xcd),
    Rgb(0xe5, 0xe5, 0xe5),
    Rgb(0x7f, 0x7f, 0x7f),
    Rgb(0xff, 0x00, 0x00),
    Rgb(0x00, 0xff, 0x00),
    Rgb(0xff, 0xff, 0x00),
    Rgb(0x5c, 0x5c, 0xff),
    Rgb(0xff, 0x00, 0xff),
    Rgb(0x00, 0xff, 0xff),
    Rgb(0xff, 0xff, 0xff),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rgb(u8, u8, u8);

impl Rgb {
    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
    /// `self` over `other` at 60 %: how dim text looks.
    fn dimmed(self, other: Rgb) -> Rgb {
        let mix = |a: u8, b: u8| ((u16::from(a) * 3 + u16::from(b) * 2) / 5) as u8;
        Rgb(mix(self.0, other.0), mix(self.1, other.1), mix(self.2, other.2))
    }
}

/// xterm's 256-colour palette: the 16 colours, the 6×6×6 cube, 24 greys.
fn indexed(i: u8) -> Rgb {
    match i {
        0..=15 => XTERM16[usize::from(i)],
        16..=231 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            let i = i - 16;
            Rgb(level(i / 36), level(i / 6 % 6), level(i % 6))
        }
        232..=255 => {
            let v = 8 + 10 * (i - 232);
            Rgb(v, v, v)
        }
    }
}

fn rgb(c: Color, default: Rgb) -> Rgb {
    match c {
        Color::Reset => default,
        Color::Black => XTERM16[0],
        Color::Red => XTERM16[1],
        Color::Green => XTERM16[2],
        Color::Yellow => XTERM16[3],
        Color::Blue => XTERM16[4],
        Color::Magenta => XTERM16[5],
        Color::Cyan => XTERM16[6],
        Color::Gray => XTERM16[7],
        Color::DarkGray => XTERM16[8],
        Color::LightRed => XTERM16[9],
        Color::LightGreen => XTERM16[10],
        Color::LightYellow => XTERM16[11],
        Color::LightBlue => XTERM16[12],
        Color::LightMagenta => XTERM16[13],
        Color::LightCyan => XTERM16[14],
        Color::White => XTERM16[15],
        Color::Rgb(r, g, b) => Rgb(r, g, b),
        Color::Indexed(i) => indexed(i),
    }
}

/// How one cell's text is drawn; equal neighbours share a `<tspan>`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Look {
    fg: Rgb,
    bold: bool,
    italic: bool,
    underline: bool,
    strike: bool,
}

/// A cell resolved to what is painted: symbol, text look and background.
struct Painted<'a> {
    symbol: &'a str,
    look: Look,
    bg: Rgb,
}

fn paint<'a>(cell: &'a ratatui::buffer::Cell) -> Painted<'a> {
    let m = cell.modifier;
    let (mut fg, mut bg) = (rgb(cell.fg, DEFAULT_FG), rgb(cell.bg, DEFAULT_BG));
    if m.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    if m.contains(Modifier::DIM) {
        fg = fg.dimmed(bg);
    }
    if m.contains(Modifier::HIDDEN) {
        fg = bg;
    }
    let symbol = cell.symbol();
    // XML 1.0 cannot carry most control characters; a terminal shows nothing for them.
    let symbol = if symbol.chars().any(char::is_control) { " " } else { symbol };
    Painted {
        symbol,
        look: Look {
            fg,
            bold: m.contains(Modifier::BOLD),
            italic: m.contains(Modifier::ITALIC),
            underline: m.contains(Modifier::UNDERLINED),
            strike: m.contains(Modifier::CROSSED_OUT),
        },
        bg,
    }
}

/// `&`, `<`, `>`, `"` and `'` as XML entities.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A run of cells on one row that share a look: where each symbol starts, and the symbols.
struct Run<'a> {
    look: Look,
    cells: Vec<(u32, &'a str)>,
}

impl Run<'_> {
    /// Blank runs draw nothing (their background is a `<rect>`), unless a line goes
    /// through or under them.
    fn visible(&self) -> bool {
        self.look.underline || self.look.strike || self.cells.iter().any(|(_, s)| !s.trim().is_empty())
    }

    fn write(&self, out: &mut String) {
        let mut cells = self.cells.as_slice();
        if !(self.look.underline || self.look.strike) {
            // Leading and trailing blanks are invisible.
            while let [(_, s), rest @ ..] = cells
                && s.trim().is_empty()
            {
                cells = rest;
            }
            while let [rest @ .., (_, s)] = cells
                && s.trim().is_empty()
            {
                cells = rest;
            }
        }
        let xs: Vec<String> = cells.iter().map(|(col, _)| (PAD_X + col * CW).to_string()).collect();
        let text: String = cells.iter().map(|(_, s)| *s).collect();
        let _ = write!(out, "<tspan x=\"{}\"", xs.join(" "));
        if self.look.fg != DEFAULT_FG {
            let _ = write!(out, " fill=\"{}\"", self.look.fg.hex());
        }
        if self.look.bold {
            out.push_str(" font-weight=\"bold\"");
        }
        if self.look.italic {
            out.push_str(" font-style=\"italic\"");
        }
        let deco: Vec<&str> = [(self.look.underline, "underline"), (self.look.strike, "line-through")]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
        if !deco.is_empty() {
            let _ = write!(out, " text-decoration=\"{}\"", deco.join(" "));
        }
        let _ = write!(out, ">{}</tspan>", escape(&text));
    }
}

/// The buffer as an SVG terminal window whose title bar reads `title`.
pub fn svg(buffer: &Buffer, title: &str) -> String {
    let area = buffer.area;
    let (cols, rows) = (u32::from(area.width), u32::from(area.height));
    let width = 2 * PAD_X + cols * CW;
    let height = TITLE_BAR + 2 * PAD_Y + rows * CH;
    let title = escape(title);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{title}\">"
    );
    let _ = writeln!(out, "<title>{title}</title>");
    // The window: a rounded body, a title bar with rounded top corners, three dots.
    let _ =
        writeln!(out, "<rect width=\"{width}\" height=\"{height}\" rx=\"{RADIUS}\" fill=\"{}\"/>", DEFAULT_BG.hex());
    let _ = writeln!(
        out,
        "<path d=\"M0 {TITLE_BAR}V{RADIUS}A{RADIUS} {RADIUS} 0 0 1 {RADIUS} 0H{}A{RADIUS} {RADIUS} 0 0 1 {width} {RADIUS}V{TITLE_BAR}Z\" fill=\"{TITLE_BAR_BG}\"/>",
        width - RADIUS
    );
    let _ = writeln!(out, "<path d=\"M0 {TITLE_BAR}.5H{width}\" stroke=\"{FRAME}\" stroke-width=\"1\"/>");
    for (i, colour) in ["#ff5f57", "#febc2e", "#28c840"].iter().enumerate() {
        let _ = writeln!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{colour}\"/>", 20 + 20 * i, TITLE_BAR / 2);
    }
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-family=\"{FONT}\" font-size=\"13\" fill=\"{TITLE_FG}\">{title}</text>",
        width / 2,
        TITLE_BAR / 2 + 5
    );

    let painted: Vec<Vec<(u32, Painted)>> = (0..area.height)
        .map(|y| {
            let mut row = Vec::new();
            let mut hidden = 0;
            for x in 0..area.width {
                let p = paint(&buffer[(area.x + x, area.y + y)]);
                // Cells under a wide character are covered by it.
                if hidden > 0 {
                    hidden -= 1;
                    row.push((u32::from(x), Painted { symbol: "", ..p }));
                    continue;
                }
                hidden = Span::raw(p.symbol).width().saturating_sub(1);
                row.push((u32::from(x), p));
            }
            row
        })
        .collect();

    // Backgrounds: one rectangle per run of equal, non-default colour on a row.
    out.push_str("<g shape-rendering=\"crispEdges\">\n");
    for (y, row) in painted.iter().enumerate() {
        let top = TITLE_BAR + PAD_Y + y as u32 * CH;
        let mut x = 0;
        while x < row.len() {
            let bg = row[x].1.bg;
            let end = row[x..].iter().position(|(_, p)| p.bg != bg).map_or(row.len(), |n| x + n);
            if bg != DEFAULT_BG {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{top}\" width=\"{}\" height=\"{CH}\" fill=\"{}\"/>",
                    PAD_X + row[x].0 * CW,
                    (end - x) as u32 * CW,
                    bg.hex()
                );
            }
            x = end;
        }
    }
    out.push_str("</g>\n");

    // Text: one `<text>` per row, one `<tspan>` per run of equal look.
    let _ = writeln!(
        out,
        "<g font-family=\"{FONT}\" font-size=\"{FONT_SIZE}\" fill=\"{}\" xml:space=\"preserve\">",
        DEFAULT_FG.hex()
    );
    for (y, row) in painted.iter().enumerate() {
        let mut runs: Vec<Run> = Vec::new();
        for (x, p) in row {
            if p.symbol.is_empty() {
                continue;
            }
            match runs.last_mut() {
                // A multi-character symbol (a grapheme cluster) gets one x for its first
                // character only, so it stays in a run of its own.
                Some(run)
                    if run.look == p.look
                        && p.symbol.chars().count() == 1
                        && run.cells.last().is_some_and(|(_, s)| s.chars().count() == 1) =>
                {
                    run.cells.push((*x, p.symbol))
                }
                _ => runs.push(Run { look: p.look, cells: vec![(*x, p.symbol)] }),
            }
        }
        let runs: Vec<&Run> = runs.iter().filter(|r| r.visible()).collect();
        if runs.is_empty() {
            continue;
        }
        let _ = write!(out, "<text y=\"{}\">", TITLE_BAR + PAD_Y + y as u32 * CH + BASELINE);
        for run in runs {
            run.write(&mut out);
        }
        out.push_str("</text>\n");
    }
    out.push_str("</g>\n");
    let _ = writeln!(
        out,
        "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" rx=\"{RADIUS}\" fill=\"none\" stroke=\"{FRAME}\"/>",
        width - 1,
        height - 1
    );
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier, Style};

    use super::*;

    #[test]
    fn palette_is_xterm() {
        assert_eq!(indexed(1), Rgb(0xcd, 0, 0));
        assert_eq!(indexed(16), Rgb(0, 0, 0));
        assert_eq!(indexed(21), Rgb(0, 0, 0xff));
        assert_eq!(indexed(196), Rgb(0xff, 0, 0));
        assert_eq!(indexed(231), Rgb(0xff, 0xff, 0xff));
        assert_eq!(indexed(232), Rgb(8, 8, 8));
        assert_eq!(indexed(255), Rgb(0xee, 0xee, 0xee));
        assert_eq!(rgb(Color::Reset, DEFAULT_FG), DEFAULT_FG);
        assert_eq!(rgb(Color::Indexed(6), DEFAULT_FG), rgb(Color::Cyan, DEFAULT_FG));
    }

    #[test]
    fn cells_keep_their_look_and_text_is_escaped() {
        let mut b = Buffer::empty(Rect::new(0, 0, 12, 2));
        b.set_string(0, 0, "<a & 'b'>", Style::new().fg(Color::Green).add_modifier(Modifier::BOLD));
        b.set_string(0, 1, " bar ", Style::new().add_modifier(Modifier::REVERSED));
        b.set_string(6, 1, "x", Style::new().add_modifier(Modifier::UNDERLINED | Modifier::ITALIC));
        let s = svg(&b, "t & \"q\"");
        assert!(s.starts_with("<svg "), "{s}");
        assert!(s.contains("<title>t &amp; &quot;q&quot;</title>"), "{s}");
        assert!(
            s.contains(
                "<tspan x=\"14 23 32 41 50 59 68 77 86\" fill=\"#00cd00\" font-weight=\"bold\">&lt;a &amp; &apos;b&apos;&gt;</tspan>"
            ),
            "{s}"
        );
        // Reversed: default background as text colour on a default-foreground rectangle.
        assert!(s.contains("<rect x=\"14\" y=\"63\" width=\"45\" height=\"19\" fill=\"#e5e5e5\"/>"), "{s}");
        assert!(s.contains("<tspan x=\"23 32 41\" fill=\"#1c1c1c\">bar</tspan>"), "{s}");
        assert!(s.contains("font-style=\"italic\" text-decoration=\"underline\">x</tspan>"), "{s}");
        assert_eq!(s, svg(&b, "t & \"q\""), "deterministic");
    }

    #[test]
    fn wide_characters_cover_the_next_cell() {
        let mut b = Buffer::empty(Rect::new(0, 0, 4, 1));
        b.set_string(0, 0, "界a", Style::new());
        let s = svg(&b, "w");
        assert!(s.contains("<tspan x=\"14 32\">界a</tspan>"), "{s}");
    }
}
