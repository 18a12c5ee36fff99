package iostreams

import (
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// WidthOf returns the columns text may fill on the terminal w writes to:
// one less than its width, since a line that fills the last column leaves
// some terminals wrapping early and makes a full line look like a cut
// word. It returns 0 when w is not a terminal (a file, a pipe, a buffer):
// text for those is left as it is.
func WidthOf(w io.Writer) int {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 1 {
		return 0
	}
	return width - 1
}

// Wrap breaks the lines of s longer than width columns between words,
// never inside one, so that a terminal does not cut a word in two
// ("non-ro/ot"). A continued line is indented to where the text it
// continues starts: under the last column of a table row or of a flag's
// help (after the last run of two or more spaces), under the text of a
// "! " or "- " item, or at the line's own indentation. A word longer than
// a line breaks after its commas or semicolons, or else stays whole on a
// line of its own. width <= 0 leaves s as it is.
func Wrap(s string, width int) string {
	if width <= 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = wrapLine(l, width)
	}
	return strings.Join(lines, "\n")
}

// Fprintw writes s to w, wrapped at the width of w's terminal.
func Fprintw(w io.Writer, s string) {
	_, _ = io.WriteString(w, Wrap(s, WidthOf(w)))
}

func wrapLine(l string, width int) string {
	if cols(l) <= width {
		return l
	}
	rest := strings.TrimLeft(l, " ")
	// The first line keeps its indentation.
	return strings.Join(fill(l[:len(l)-len(rest)], rest, hangingIndent(l, width), width), "\n")
}

// fill lays text out in lines of at most width columns, breaking between
// words: the first line starts with first, the others with indent. Each
// word keeps the spaces in front of it within a line (they keep a table's
// columns apart) and loses them at the start of one. A word longer than
// a line breaks after its commas or semicolons (see atoms), or else
// stays whole on a line of its own.
func fill(first, text, indent string, width int) []string {
	var words []string
	for _, word := range splitWords(text) {
		if w := strings.TrimLeft(word, " "); cols(w) > width-cols(indent) {
			as := atoms(w)
			as[0] = word[:len(word)-len(w)] + as[0]
			words = append(words, as...)
			continue
		}
		words = append(words, word)
	}
	var lines []string
	line := first
	lineStart := true
	for _, word := range words {
		w := strings.TrimLeft(word, " ")
		switch {
		case lineStart:
			line += w
			lineStart = false
		case cols(line)+cols(word) <= width:
			line += word
		default:
			lines = append(lines, strings.TrimRight(line, " "))
			line = indent + w
		}
	}
	return append(lines, line)
}

// atoms splits a word after its commas and semicolons, as a list of
// values may break; a word without them is one atom.
func atoms(word string) []string {
	var out []string
	for _, a := range strings.SplitAfter(strings.ReplaceAll(word, ";", ";\x00"), ",") {
		for _, b := range strings.Split(a, "\x00") {
			if b != "" {
				out = append(out, b)
			}
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// splitWords splits s before each run of spaces, so that every word but
// the first carries the spaces in front of it (which keep a table's
// columns apart).
func splitWords(s string) []string {
	var out []string
	start := 0
	for i := 1; i < len(s); i++ {
		if s[i] == ' ' && s[i-1] != ' ' {
			out = append(out, s[start:i])
			start = i
		}
	}
	return append(out, s[start:])
}

// hangingIndent is the indentation of the lines that continue l.
func hangingIndent(l string, width int) string {
	lead := len(l) - len(strings.TrimLeft(l, " "))
	col := lead
	rest := l[lead:]
	switch {
	case strings.HasPrefix(rest, "! "), strings.HasPrefix(rest, "- "), strings.HasPrefix(rest, "* "):
		col = lead + 2
	}
	// The start of the last column within the first width columns.
	head := l
	if n := byteAt(l, width); n < len(l) {
		head = l[:n]
	}
	if i := strings.LastIndex(strings.TrimRight(head[lead:], " "), "  "); i >= 0 {
		c := lead + i + 2
		if c < width/2+width/4 {
			col = cols(l[:c])
		}
	}
	if col >= width/2+width/4 {
		col = lead
	}
	return strings.Repeat(" ", col)
}

// byteAt returns the byte offset of column n of s.
func byteAt(s string, n int) int {
	i := 0
	for k := range s {
		if i == n {
			return k
		}
		i++
	}
	return len(s)
}

func cols(s string) int { return utf8.RuneCountInString(s) }
