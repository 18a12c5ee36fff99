package prompter

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/core"
	"github.com/AlecAivazis/survey/v2/terminal"
	"golang.org/x/term"
)

// liveInput is survey's Input question, judged as the user types: every
// change to the line runs validate on it and shows why it is refused on
// the line below, so the user knows before pressing enter. Enter itself
// is judged by the validator given to survey, as before: a refused answer
// gets survey's error line and the question is asked again.
//
// It draws the whole question again after every key with survey's
// Renderer, which erases what it drew last, then puts the terminal's
// cursor back at the editing position.
type liveInput struct {
	survey.Renderer
	message, help, def string
	validate           func(string) error // nil: nothing to show while typing
	// width0 is the terminal's width when the question was asked, which
	// the problems shown while typing are wrapped to.
	width0 int

	keys        *terminal.RuneReader // kept across retries, as it buffers keys
	showingHelp bool
	line        []rune // the text typed so far
	pos         int    // the editing position in line
	problem     string // why line is refused, "" when it is not
	below       int    // rows from the terminal's cursor down to the last one drawn
}

// liveInputData is what liveInputTemplate draws.
type liveInputData struct {
	survey.InputTemplateData
	Line    string
	Problem string
}

// liveInputTemplate is survey's input question followed, while the user
// types, by the line typed and the problem with it, in the style of
// survey's error line.
var liveInputTemplate = survey.InputQuestionTemplate + `
{{- if not .ShowAnswer }}{{ .Line }}
  {{- if .Problem }}{{ "\n" }}{{ color .Config.Icons.Error.Format }}{{ .Config.Icons.Error.Text }} {{ .Problem }}{{ color "reset" }}{{ end }}
{{- end }}`

// Keys survey's terminal package has no name for.
const (
	keyEnd       = '\x05' // Ctrl-E
	keyKillStart = '\x15' // Ctrl-U
)

// Prompt implements survey.Prompt: it reads keys until enter and returns
// the line typed, or the default for an empty line.
func (q *liveInput) Prompt(config *survey.PromptConfig) (any, error) {
	if q.keys == nil {
		q.keys = q.NewRuneReader()
	}
	// As survey's own prompts do, carry on if the mode cannot be set.
	_ = q.keys.SetTermMode()
	defer func() { _ = q.keys.RestoreTermMode() }()

	q.line, q.pos, q.problem = nil, 0, ""
	if err := q.draw(config); err != nil {
		return "", err
	}
	for {
		r, _, err := q.keys.ReadRune()
		if err != nil {
			return "", err
		}
		before := string(q.line)
		switch r {
		case terminal.KeyInterrupt:
			// Leave the question as typed, without its problem, and
			// go to the next line for whatever comes next.
			q.problem, q.pos = "", len(q.line)
			if err := q.draw(config); err != nil {
				return "", err
			}
			fmt.Fprint(q.Stdio().Out, "\r\n")
			return "", terminal.InterruptErr
		case terminal.KeyEndTransmission:
			// Ctrl-D as GNU readline (bash's prompt, read -e) takes it:
			// on an empty line the end of input, which cancels the
			// question rather than accepting its default; otherwise it
			// deletes the character under the cursor.
			if len(q.line) == 0 {
				q.problem = ""
				if err := q.draw(config); err != nil {
					return "", err
				}
				fmt.Fprint(q.Stdio().Out, "\r\n")
				return "", io.EOF
			}
			if q.pos < len(q.line) {
				q.line = slices.Delete(q.line, q.pos, q.pos+1)
			}
		case '\r', '\n':
			if before == config.HelpInput && q.help != "" {
				// Draw the question again, with its help above.
				q.showingHelp = true
				q.line, q.pos, q.problem = nil, 0, ""
				break
			}
			// Draw the answer without its problem: survey judges it
			// next, then erases what was drawn.
			q.problem, q.pos = "", len(q.line)
			if err := q.draw(config); err != nil {
				return "", err
			}
			if before == "" {
				return q.def, nil
			}
			return before, nil
		case terminal.KeyBackspace, terminal.KeyDelete:
			if q.pos > 0 {
				q.line = slices.Delete(q.line, q.pos-1, q.pos)
				q.pos--
			}
		case terminal.SpecialKeyDelete:
			if q.pos < len(q.line) {
				q.line = slices.Delete(q.line, q.pos, q.pos+1)
			}
		case terminal.KeyArrowLeft:
			q.pos = max(q.pos-1, 0)
		case terminal.KeyArrowRight:
			q.pos = min(q.pos+1, len(q.line))
		case terminal.SpecialKeyHome:
			q.pos = 0
		case terminal.SpecialKeyEnd, keyEnd:
			q.pos = len(q.line)
		case keyKillStart:
			q.line, q.pos = slices.Clone(q.line[q.pos:]), 0
		default:
			// Other control keys (up, down, tab, escape…) do nothing.
			if unicode.IsControl(r) || r == terminal.IgnoreKey {
				continue
			}
			q.line = slices.Insert(q.line, q.pos, r)
			q.pos++
		}
		if string(q.line) != before {
			q.judge(config)
		}
		if err := q.draw(config); err != nil {
			return "", err
		}
	}
}

// judge runs validate on the line typed. An empty line, which stands for
// the default, and the help key have nothing to show.
func (q *liveInput) judge(config *survey.PromptConfig) {
	q.problem = ""
	s := string(q.line)
	if q.validate == nil || s == "" || (s == config.HelpInput && q.help != "") {
		return
	}
	if err := q.validate(s); err != nil {
		// After survey's error icon and a space.
		q.problem = wrapAfter(err.Error(), q.width0, 2)
	}
}

// Cleanup implements survey.Prompt: it draws the question with its answer.
func (q *liveInput) Cleanup(config *survey.PromptConfig, answer any) error {
	s, _ := answer.(string)
	return q.Render(liveInputTemplate, q.data(config, s, true))
}

func (q *liveInput) data(config *survey.PromptConfig, line string, answered bool) liveInputData {
	d := liveInputData{InputTemplateData: survey.InputTemplateData{
		Input:      survey.Input{Message: q.message, Help: q.help, Default: q.def},
		ShowHelp:   q.showingHelp && !answered,
		ShowAnswer: answered,
		Config:     config,
	}}
	if answered {
		d.Answer = line
	} else {
		d.Line, d.Problem = line, q.problem
	}
	return d
}

// draw draws the question, the line and its problem in place of what it
// drew last, and puts the cursor at the editing position.
func (q *liveInput) draw(config *survey.PromptConfig) error {
	cursor := q.NewCursor()
	_ = cursor.Hide()
	defer func() { _ = cursor.Show() }()
	// The Renderer erases upwards from the last row it drew.
	if q.below > 0 {
		_ = cursor.Down(q.below)
	}
	q.below = 0
	data := q.data(config, string(q.line), false)
	if err := q.Render(liveInputTemplate, data); err != nil {
		return err
	}

	// Find the rows and columns of the end and of the editing position in
	// the text drawn, without its colors.
	width := q.width()
	_, all, err := core.RunTemplate(liveInputTemplate, data)
	if err != nil {
		return err
	}
	data.Line, data.Problem = string(q.line[:q.pos]), ""
	_, head, err := core.RunTemplate(liveInputTemplate, data)
	if err != nil {
		return err
	}
	_, _, last := place(all, width)
	row, col, _ := place(head, width)
	if row > last {
		// The line ends on the last column: the terminal's cursor is
		// there already, and wraps with the next character.
		return nil
	}
	q.below = last - row
	if q.below > 0 {
		_ = cursor.Up(q.below)
	}
	return cursor.HorizontalAbsolute(col + 1)
}

// width is the terminal's width in columns, or a very wide one if unknown,
// as for survey's Renderer.
func (q *liveInput) width() int {
	w, _, err := term.GetSize(int(q.Stdio().Out.Fd()))
	if err != nil || w <= 0 {
		return 10000
	}
	return w
}

// place returns where s leaves the cursor when drawn from the start of a
// row on a terminal width columns wide: the row (from 0) and column of the
// next character, and the row the terminal's cursor is on, one less when
// s fills its last row (terminals wrap only with the next character).
// Wide characters that do not fit at the end of a row are not accounted.
func place(s string, width int) (row, col, cursorRow int) {
	lines := strings.Split(s, "\n")
	for _, l := range lines[:len(lines)-1] {
		row += max(1, (terminal.StringWidth(l)+width-1)/width)
	}
	w := terminal.StringWidth(lines[len(lines)-1])
	row, col = row+w/width, w%width
	cursorRow = row
	if w > 0 && col == 0 {
		cursorRow--
	}
	return row, col, cursorRow
}
