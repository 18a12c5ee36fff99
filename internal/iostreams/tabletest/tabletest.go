// Package tabletest reads back a table drawn by iostreams.Table in
// columns, so that a test can check it is intact at a terminal's width:
// every row's cells on the lines of that row, each within its own column.
package tabletest

import (
	"fmt"
	"strings"
)

// Read returns the rows of the table drawn on lines (its header, if any,
// is the first row), or an error naming the first line where a cell
// crosses into the gap before another column or starts left of the
// table. The columns are where the first line's cells start: after the
// indentation, and after each run of two or more blanks. A line whose
// first column starts at that column begins a row; any other line
// continues the row above it, each cell with its own column's text.
func Read(lines []string) ([][]string, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	head := []rune(lines[0])
	var starts []int
	for i, r := range head {
		if r != ' ' && (i == 0 || head[i-1] == ' ') && (len(starts) == 0 || i >= 2 && head[i-2] == ' ') {
			starts = append(starts, i)
		}
	}
	var rows [][]string
	for n, l := range lines {
		line := []rune(strings.TrimRight(l, " "))
		at := func(i int) rune {
			if i < len(line) {
				return line[i]
			}
			return ' '
		}
		for i := 0; i < starts[0]; i++ {
			if at(i) != ' ' {
				return nil, fmt.Errorf("line %d starts left of the table: %q", n+1, l)
			}
		}
		for _, s := range starts[1:] {
			if at(s-1) != ' ' || at(s-2) != ' ' {
				return nil, fmt.Errorf("line %d crosses into the gap before column %d: %q", n+1, s, l)
			}
		}
		if at(starts[0]) != ' ' || rows == nil {
			rows = append(rows, make([]string, len(starts)))
		}
		row := rows[len(rows)-1]
		for k, s := range starts {
			end := len(line)
			if k+1 < len(starts) {
				end = min(end, starts[k+1])
			}
			if s >= end {
				continue
			}
			if cell := strings.TrimSpace(string(line[s:end])); cell != "" {
				row[k] = strings.TrimSpace(row[k] + " " + cell)
			}
		}
	}
	return rows, nil
}
