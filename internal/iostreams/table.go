package iostreams

import (
	"slices"
	"strings"
)

// tableGap is the blank columns between two columns of a Table.
const tableGap = 2

// Table lays out rows of cells in columns that stay intact on a terminal
// of any width: every cell stays in its own column, whatever the width.
// Wrapping a too-wide table as text would continue a cell under another
// column and mix the columns up; Table instead
//
//   - lays the rows out as text/tabwriter does (two blanks between
//     columns, the last cell unpadded) when they fit, or when there is
//     no terminal (width <= 0);
//   - else narrows the columns where that adds the fewest lines, never
//     below their longest word, and breaks cells between words within
//     their own column; a first
//     cell that continues is indented by two, so that a continued row
//     never reads as a new one;
//   - else, when even that does not fit, stacks each row as a block: the
//     first cell, then each other cell on a line of its own, after the
//     name of its column.
type Table struct {
	indent string
	header []string
	rows   [][]string
}

// NewTable returns a table whose lines start with indent.
func NewTable(indent string) *Table { return &Table{indent: indent} }

// Header sets the names of the columns, drawn as the table's first line
// (and, when the rows are stacked, before each cell but the first).
func (t *Table) Header(cells ...string) { t.header = cells }

// Row adds a row; every row has as many cells as the header.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// Render returns the table's lines, each ended by a newline, for a
// terminal width columns wide (see Table).
func (t *Table) Render(width int) string {
	rows := t.rows
	if t.header != nil {
		rows = append([][]string{t.header}, rows...)
	}
	if len(rows) == 0 {
		return ""
	}
	n := 0
	for _, r := range rows {
		n = max(n, len(r))
	}
	natural := make([]int, n)
	least := make([]int, n)
	for _, r := range rows {
		for i, c := range r {
			natural[i] = max(natural[i], cols(c))
			least[i] = max(least[i], leastWidth(c, i == 0))
		}
	}
	room := width - cols(t.indent) - tableGap*(n-1)
	switch {
	case width <= 0 || sum(natural) <= room:
		return t.columns(rows, natural)
	case sum(least) <= room:
		return t.columns(rows, narrowed(rows, natural, least, room))
	}
	return t.stacked(width)
}

// columns draws rows in columns of the given widths, breaking a cell
// wider than its column between words.
func (t *Table) columns(rows [][]string, widths []int) string {
	var b strings.Builder
	for _, r := range rows {
		cells := make([][]string, len(widths))
		height := 0
		for i := range widths {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			cells[i] = fill("", c, continued(i), widths[i])
			height = max(height, len(cells[i]))
		}
		for k := range height {
			line := t.indent
			for i, c := range cells {
				s := ""
				if k < len(c) {
					s = c[k]
				}
				line += s
				if i < len(cells)-1 {
					line += strings.Repeat(" ", widths[i]-cols(s)+tableGap)
				}
			}
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	}
	return b.String()
}

// stacked draws each row as a block: its first cell, then each other
// cell, broken between words, after the name of its column.
func (t *Table) stacked(width int) string {
	name := 0
	for _, h := range t.header {
		name = max(name, cols(h))
	}
	var b strings.Builder
	for _, r := range t.rows {
		for i, c := range r {
			first := t.indent
			if i > 0 {
				first += "  "
				if i < len(t.header) {
					first += t.header[i] + strings.Repeat(" ", name-cols(t.header[i])+tableGap)
				}
			}
			indent := strings.Repeat(" ", cols(first))
			if i == 0 {
				indent += "  "
			}
			for _, l := range fill(first, c, indent, width) {
				b.WriteString(strings.TrimRight(l, " ") + "\n")
			}
		}
	}
	return b.String()
}

// narrowed returns column widths that sum to at most room, narrowing
// one column by one column at a time from the natural widths, each to no
// less than least: the one that adds the fewest lines to the table, and
// of those the widest, the rightmost of equals, so that the first column
// (which names the row) breaks last.
func narrowed(rows [][]string, natural, least []int, room int) []int {
	widths := slices.Clone(natural)
	height := func() int {
		lines := 0
		for _, r := range rows {
			h := 1
			for i, c := range r {
				h = max(h, len(fill("", c, continued(i), widths[i])))
			}
			lines += h
		}
		return lines
	}
	for sum(widths) > room {
		now := height()
		pick, added := -1, 0
		for i := range widths {
			if widths[i] <= least[i] {
				continue
			}
			widths[i]--
			more := height() - now
			widths[i]++
			if pick < 0 || more < added || more == added && widths[i] >= widths[pick] {
				pick, added = i, more
			}
		}
		widths[pick]--
	}
	// A column narrowed early may hold narrower lines than its width once
	// others were narrowed: it gives the spare columns back, one at a
	// time, to the column where one more saves the most lines.
	for i := range widths {
		used := 0
		for _, r := range rows {
			for _, l := range fill("", r[i], continued(i), widths[i]) {
				used = max(used, cols(l))
			}
		}
		widths[i] = max(used, least[i])
	}
	for sum(widths) < room {
		now := height()
		pick, saved := -1, 0
		for i := range widths {
			if widths[i] >= natural[i] {
				continue
			}
			widths[i]++
			if fewer := now - height(); fewer > saved {
				pick, saved = i, fewer
			}
			widths[i]--
		}
		if pick < 0 {
			break
		}
		widths[pick]++
	}
	return widths
}

// leastWidth is the narrowest column cell c may be broken into: its
// longest word, or atom of a word (see fill), and for a first cell two
// more, for the indentation of its continued lines.
func leastWidth(c string, first bool) int {
	w := 0
	for _, word := range strings.Fields(c) {
		for _, a := range atoms(word) {
			w = max(w, cols(a))
		}
	}
	if first {
		w += 2
	}
	return min(w, cols(c))
}

// continued is the indentation of the continued lines of a cell of
// column i: two for the first column, so that they never read as a row.
func continued(i int) string {
	if i == 0 {
		return "  "
	}
	return ""
}

func sum(ns []int) int {
	s := 0
	for _, n := range ns {
		s += n
	}
	return s
}
