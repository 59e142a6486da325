//! Charts drawn with text: sparklines for tables, and plots of metric series for
//! `mlt metrics history --plot`. Both are plain strings, the same on every run for the same
//! input (colors only when asked for), so they can be compared in tests.

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of `values` in at most `width` characters. Longer series are reduced by taking
/// the mean of each bucket, so the line keeps its shape. Non-finite values are skipped; a
/// series with no finite value gives an empty string, a flat one a row of the lowest bar.
pub fn sparkline(values: &[f64], width: usize) -> String {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() || width == 0 {
        return String::new();
    }
    let buckets = finite.len().min(width);
    let points: Vec<f64> = (0..buckets)
        .map(|b| {
            let lo = b * finite.len() / buckets;
            let hi = ((b + 1) * finite.len() / buckets).max(lo + 1);
            finite[lo..hi].iter().sum::<f64>() / (hi - lo) as f64
        })
        .collect();
    let min = points.iter().copied().fold(f64::INFINITY, f64::min);
    let max = points.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    points
        .iter()
        .map(|&v| {
            if max > min {
                let i = ((v - min) / (max - min) * 7.0).round() as usize;
                BARS[i.min(7)]
            } else {
                BARS[0]
            }
        })
        .collect()
}

/// One series of a plot: its legend label and its `(x, y)` points.
#[derive(Clone, Debug, Default)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// How a plot is drawn.
#[derive(Clone, Debug)]
pub struct PlotStyle {
    /// Width of the whole chart, labels included.
    pub width: usize,
    /// Rows of the plotting area.
    pub height: usize,
    /// ANSI colors on the markers (for terminals only).
    pub color: bool,
    /// Printed under the x axis.
    pub x_title: String,
    /// The x values are integers (steps): label them without a fraction.
    pub x_integers: bool,
}

/// One marker per series, in legend order; they repeat after the last one.
const MARKERS: [char; 10] = ['●', '×', '○', '+', '◆', '▲', '■', '◇', '△', '□'];
/// ANSI colors: blue, red, green, yellow, magenta, cyan.
const COLORS: [u8; 6] = [34, 31, 32, 33, 35, 36];
/// Narrowest plotting area, whatever the terminal says.
const MIN_PLOT_WIDTH: usize = 10;

/// An axis: the data range and the labels to print along it.
struct Axis {
    min: f64,
    max: f64,
    /// (value, label) pairs; the first two are the minimum and the maximum.
    labels: Vec<(f64, String)>,
}

impl Axis {
    /// The minimum and maximum, to three significant digits of the range, then round ticks
    /// (1, 2 or 5 times a power of ten) splitting the range into about `slots` parts.
    fn new(min: f64, max: f64, slots: usize, integers: bool) -> Axis {
        let exact = |v: f64| {
            if integers {
                format!("{}", v.round() as i64)
            } else {
                significant(v, 6)
            }
        };
        let range = max - min;
        let mut step = nice_step(range / slots.max(1) as f64);
        if integers {
            step = step.max(1.0);
        }
        if !(range > 0.0 && range.is_finite() && step.is_finite() && step > 0.0) {
            let mut labels = vec![(min, exact(min))];
            if max > min {
                labels.push((max, exact(max)));
            }
            return Axis { min, max, labels };
        }
        let fmt = |v: f64, d: i32| {
            if integers {
                format!("{}", v.round() as i64)
            } else {
                super::value(round_decimals(v, d))
            }
        };
        // Decimals that show three significant digits of the range, and those of the step.
        let digits = |x: f64| (-x.log10().floor() as i32).clamp(-308, 330);
        let mut labels = vec![
            (min, fmt(min, digits(range) + 2)),
            (max, fmt(max, digits(range) + 2)),
        ];
        let first = (min / step).ceil();
        let last = (max / step).floor();
        if last - first <= 100.0 {
            let mut k = first;
            while k <= last {
                // `+ 0.0` turns the -0.0 of `ceil(-0.3)` into 0.0.
                let v = k * step + 0.0;
                labels.push((v, fmt(v, digits(step))));
                k += 1.0;
            }
        }
        Axis { min, max, labels }
    }

    /// The cell (0..cells) of a value, from the low end.
    fn cell(&self, v: f64, cells: usize) -> usize {
        if self.max <= self.min {
            return (cells - 1) / 2;
        }
        // Halves, so that a range wider than f64's (-1e308 to 1e308) does not overflow.
        let f = (v / 2.0 - self.min / 2.0) / (self.max / 2.0 - self.min / 2.0) * (cells - 1) as f64;
        (f.round().max(0.0) as usize).min(cells - 1)
    }
}

/// A round step near `raw`: 1, 2 or 5 times a power of ten (not finite when `raw` is not).
fn nice_step(raw: f64) -> f64 {
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let m = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// `v` rounded to `d` decimals (negative: to tens, hundreds...), without binary noise
/// (`0.30000000000000004` becomes `0.3`).
fn round_decimals(v: f64, d: i32) -> f64 {
    if d >= 0 {
        format!("{v:.*}", d as usize).parse().unwrap_or(v)
    } else {
        let q = 10f64.powi(-d);
        (v / q).round() * q
    }
}

/// `v` with at most `n` significant digits, printed as Python would.
fn significant(v: f64, n: usize) -> String {
    let r: f64 = format!("{v:.*e}", n.saturating_sub(1)).parse().unwrap_or(v);
    super::value(r)
}

fn paint(marker: char, series: usize, color: bool) -> String {
    if color {
        format!("\x1b[{}m{marker}\x1b[0m", COLORS[series % COLORS.len()])
    } else {
        marker.to_string()
    }
}

/// Places labels on a line of `cells` characters, each centred on its cell (the first and
/// last cells' labels flush with the ends), skipping any that would touch one already placed.
/// Labels are placed in the order given, so the first ones always show. Returns the line and
/// the cells whose label was placed.
fn place_labels(labels: &[(usize, &str)], cells: usize) -> (String, Vec<usize>) {
    let mut line = vec![' '; cells];
    let mut taken = vec![false; cells];
    let mut placed = Vec::new();
    for &(cell, text) in labels {
        let n = text.chars().count();
        if n > cells {
            continue;
        }
        let start = if cell == 0 {
            0
        } else if cell + 1 >= cells {
            cells - n
        } else {
            cell.saturating_sub(n / 2).min(cells - n)
        };
        // One free cell on each side keeps neighbours apart.
        let lo = start.saturating_sub(1);
        let hi = (start + n + 1).min(cells);
        if taken[lo..hi].iter().any(|t| *t) {
            continue;
        }
        for (i, ch) in text.chars().enumerate() {
            line[start + i] = ch;
            taken[start + i] = true;
        }
        placed.push(cell);
    }
    let line = line.into_iter().collect::<String>().trim_end().to_string();
    (line, placed)
}

/// A scatter plot of several series on shared axes, with y labels on the left, x labels and
/// a title below, and a legend of markers. Points whose x or y is NaN or infinite are left
/// out. When a column holds several points of a series, it shows their mean. Where two
/// series meet, the one listed first is drawn. Returns `None` when no point is finite.
pub fn plot(series: &[Series], style: &PlotStyle) -> Option<String> {
    let finite = |&&(x, y): &&(f64, f64)| x.is_finite() && y.is_finite();
    let mut all = series.iter().flat_map(|s| s.points.iter()).filter(finite);
    let &(x0, y0) = all.next()?;
    let (mut xmin, mut xmax, mut ymin, mut ymax) = (x0, x0, y0, y0);
    for &(x, y) in all {
        xmin = xmin.min(x);
        xmax = xmax.max(x);
        ymin = ymin.min(y);
        ymax = ymax.max(y);
    }
    let height = style.height.max(2);
    // A label about every third row.
    let y_axis = Axis::new(ymin, ymax, ((height - 1) / 3).max(1), false);
    // y labels, by row from the top; the minimum and maximum first, then ticks with a free
    // row between them and any other label.
    let mut row_labels: Vec<Option<&str>> = vec![None; height];
    for (i, (v, text)) in y_axis.labels.iter().enumerate() {
        let row = height - 1 - y_axis.cell(*v, height);
        let near = |r: usize| row_labels.get(r).is_some_and(|l| l.is_some());
        if i >= 2 && (near(row) || near(row + 1) || (row > 0 && near(row - 1))) {
            continue;
        }
        if row_labels[row].is_none() {
            row_labels[row] = Some(text);
        }
    }
    let label_width = row_labels
        .iter()
        .flatten()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let width = style
        .width
        .saturating_sub(label_width + 2)
        .max(MIN_PLOT_WIDTH);
    let x_axis = Axis::new(xmin, xmax, (width / 12).max(1), style.x_integers);

    // The grid: which series shows in each cell. The first series is drawn last, on top.
    let mut grid: Vec<Vec<Option<usize>>> = vec![vec![None; width]; height];
    for (i, s) in series.iter().enumerate().rev() {
        let mut buckets = vec![(0.0f64, 0usize); width];
        for &(x, y) in s.points.iter().filter(finite) {
            let b = &mut buckets[x_axis.cell(x, width)];
            b.0 += y;
            b.1 += 1;
        }
        for (col, &(sum, n)) in buckets.iter().enumerate() {
            if n > 0 {
                let mean = (sum / n as f64).clamp(ymin, ymax);
                grid[height - 1 - y_axis.cell(mean, height)][col] = Some(i);
            }
        }
    }

    let mut out = String::new();
    for (row, cells) in grid.iter().enumerate() {
        let (label, axis) = match row_labels[row] {
            Some(l) => (l, '┤'),
            None => ("", '│'),
        };
        let mut line = format!("{label:>label_width$} {axis}");
        for cell in cells {
            match cell {
                Some(i) => line.push_str(&paint(MARKERS[i % MARKERS.len()], *i, style.color)),
                None => line.push(' '),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let pad = " ".repeat(label_width + 2);
    let x_labels: Vec<(usize, &str)> = x_axis
        .labels
        .iter()
        .map(|(v, t)| (x_axis.cell(*v, width), t.as_str()))
        .collect();
    let (placed, tick_cells) = place_labels(&x_labels, width);
    let ticks: String = (0..width)
        .map(|c| {
            if tick_cells.contains(&c) {
                '┬'
            } else {
                '─'
            }
        })
        .collect();
    out.push_str(&format!("{} └{ticks}\n", " ".repeat(label_width)));
    out.push_str(&format!("{pad}{placed}\n"));
    let title_width = style.x_title.chars().count();
    if !style.x_title.is_empty() {
        let indent = width.saturating_sub(title_width) / 2;
        out.push_str(&format!("{pad}{}{}\n", " ".repeat(indent), style.x_title));
    }
    // The legend, wrapped to the plot's width.
    let mut line = String::new();
    let mut used = 0;
    for (i, s) in series.iter().enumerate() {
        let n = s.label.chars().count() + 2;
        if used > 0 && used + 3 + n > width {
            out.push_str(&format!("{pad}{line}\n"));
            line.clear();
            used = 0;
        }
        if used > 0 {
            line.push_str("   ");
            used += 3;
        }
        line.push_str(&paint(MARKERS[i % MARKERS.len()], i, style.color));
        line.push(' ');
        line.push_str(&s.label);
        used += n;
    }
    if used > 0 {
        out.push_str(&format!("{pad}{line}\n"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(width: usize, height: usize) -> PlotStyle {
        PlotStyle {
            width,
            height,
            color: false,
            x_title: "step".into(),
            x_integers: true,
        }
    }

    fn lines(l: &[&str]) -> String {
        l.iter().map(|l| format!("{l}\n")).collect()
    }

    #[test]
    fn plot_two_series_on_shared_axes() {
        let loss = Series {
            label: "0123abcd/loss".into(),
            points: (0..=10)
                .map(|s| (s as f64, 1.0 - 0.08 * s as f64))
                .collect(),
        };
        let mut acc = Series {
            label: "0123abcd/acc".into(),
            points: (0..=10).map(|s| (s as f64, 0.1 * s as f64)).collect(),
        };
        // Left out: not finite.
        acc.points[3].1 = f64::NAN;
        acc.points[4].1 = f64::INFINITY;
        // Where the two meet (step 5), the first series is drawn. The legend wraps.
        assert_eq!(
            plot(&[loss, acc], &style(36, 6)).unwrap(),
            lines(&[
                "1.0 ┤●  ●                       ×  ×",
                "    │      ●  ●           ×  ×",
                "    │            ●  ●  ●",
                "    │                     ●  ●",
                "    │   ×  ×                    ●  ●",
                "0.0 ┤×",
                "    └┬──────────────┬──────────────┬",
                "     0              5             10",
                "                  step",
                "     ● 0123abcd/loss",
                "     × 0123abcd/acc",
            ])
        );
    }

    #[test]
    fn plot_many_points_one_mean_per_column() {
        let zigzag = Series {
            label: "r/m".into(),
            points: (0..1000)
                .map(|i| (f64::from(i), if i % 2 == 0 { 0.0 } else { 2.0 }))
                .collect(),
        };
        assert_eq!(
            plot(&[zigzag], &style(30, 3)).unwrap(),
            lines(&[
                "2.0 ┤",
                "    │●●●●●●●●●●●●●●●●●●●●●●●●●",
                "0.0 ┤",
                "    └┬───────────┬───────────┬",
                "     0          500        999",
                "               step",
                "     ● r/m",
            ])
        );
    }

    #[test]
    fn plot_labels_round_numbers_and_odd_ranges() {
        let mut st = style(40, 5);
        st.x_integers = false;
        st.x_title = "seconds".into();
        // A flat series at one x: one label on each axis, in the middle.
        let flat = Series {
            label: "a".into(),
            points: vec![(2.5, 0.30000000000000004), (2.5, f64::NAN)],
        };
        assert_eq!(
            plot(&[flat], &st).unwrap(),
            lines(&[
                "    │",
                "    │",
                "0.3 ┤                 ●",
                "    │",
                "    │",
                "    └─────────────────┬─────────────────",
                "                     2.5",
                "                   seconds",
                "     ● a",
            ])
        );
        // Extremes to three digits of the range, round ticks between, no "-0.0".
        let wide = Series {
            label: "b".into(),
            points: vec![(0.0, -5e6), (1.0, 7_332_655.0), (3.0, 1e6)],
        };
        let out = plot(&[wide], &st).unwrap();
        let labels: Vec<&str> = out.lines().map(|l| l.split('┤').next().unwrap()).collect();
        assert_eq!(labels[0], " 7300000.0 ", "{out}");
        assert_eq!(labels[2], "       0.0 ", "{out}");
        assert_eq!(labels[4], "-5000000.0 ", "{out}");
        // About every third row has a label.
        let tall = Series {
            label: "t".into(),
            points: vec![(0.0, 1.35), (30.0, 0.07)],
        };
        let out = plot(&[tall], &style(40, 10)).unwrap();
        let labels: Vec<&str> = out
            .lines()
            .filter_map(|l| l.split_once(" ┤").map(|(label, _)| label.trim()))
            .collect();
        assert_eq!(labels, ["1.35", "1.0", "0.5", "0.07"], "{out}");
        // A range wider than f64 still spreads over the rows.
        let huge = Series {
            label: "c".into(),
            points: vec![(0.0, -1.7e308), (1.0, 1.7e308)],
        };
        let out = plot(&[huge], &st).unwrap();
        assert!(out.starts_with(" 1.7e+308 ┤"), "{out}");
        assert!(out.contains("\n-1.7e+308 ┤●\n"), "{out}");
    }

    #[test]
    fn plot_colors_only_when_asked_and_nothing_finite_is_none() {
        let s = Series {
            label: "a".into(),
            points: vec![(0.0, 1.0), (1.0, 2.0)],
        };
        let mut st = style(20, 2);
        assert!(
            !plot(std::slice::from_ref(&s), &st)
                .unwrap()
                .contains('\x1b')
        );
        st.color = true;
        let out = plot(&[s, Series::default()], &st).unwrap();
        assert!(out.contains("\x1b[34m●\x1b[0m a"), "{out:?}");
        assert!(
            out.contains("\x1b[31m×\x1b[0m"),
            "empty series keep a legend entry"
        );
        let nan = Series {
            label: "n".into(),
            points: vec![(0.0, f64::NAN)],
        };
        assert!(plot(&[nan], &st).is_none());
        assert!(plot(&[], &st).is_none());
    }

    #[test]
    fn sparkline_shapes() {
        assert_eq!(
            sparkline(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 20),
            "▁▂▃▄▅▆▇█"
        );
        assert_eq!(sparkline(&[3.0, 3.0, 3.0], 20), "▁▁▁");
        assert_eq!(sparkline(&[], 20), "");
        assert_eq!(sparkline(&[f64::NAN, 1.0, f64::INFINITY, 2.0], 20), "▁█");
        // 100 rising points squeezed into 10 still rise from lowest to highest.
        let rising: Vec<f64> = (0..100).map(f64::from).collect();
        let s = sparkline(&rising, 10);
        assert_eq!(s.chars().count(), 10);
        assert!(s.starts_with('▁') && s.ends_with('█'));
    }
}
