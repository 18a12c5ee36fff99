package prompter

import "testing"

func TestPlace(t *testing.T) {
	for _, c := range []struct {
		s                   string
		row, col, cursorRow int
	}{
		{"", 0, 0, 0},
		{"abc", 0, 3, 0},
		{"abcd", 1, 0, 0},      // fills the row: the cursor waits at its end
		{"abcde", 1, 1, 1},     // wrapped
		{"ab\ncd", 1, 2, 1},    // a new line
		{"abcd\nx", 1, 1, 1},   // a full row, then a new line: no empty row
		{"\n\nx", 2, 1, 2},     // empty rows count
		{"ü€x", 0, 3, 0},       // runes, not bytes
		{"abcdefghi", 2, 1, 2}, // two wraps
	} {
		row, col, cursorRow := place(c.s, 4)
		if row != c.row || col != c.col || cursorRow != c.cursorRow {
			t.Errorf("place(%q, 4) = %d, %d, %d; want %d, %d, %d", c.s, row, col, cursorRow, c.row, c.col, c.cursorRow)
		}
	}
}
