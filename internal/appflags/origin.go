package appflags

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Under reports whether a problem's field is f or lies beneath it. In f,
// "[*]" stands for any index: tiers[*].allowFrom is under
// tiers[*].allowFrom and so is tiers[2].allowFrom[0].
func Under(field, f string) bool {
	for {
		star := strings.Index(f, "[*]")
		if star < 0 {
			break
		}
		if !strings.HasPrefix(field, f[:star+1]) {
			return false
		}
		rest := field[star+1:]
		end := strings.IndexByte(rest, ']')
		if end <= 0 || strings.Trim(rest[:end], "0123456789") != "" {
			return false
		}
		field, f = rest[end:], f[star+2:]
	}
	return field == f || strings.HasPrefix(field, f+".") || strings.HasPrefix(field, f+"[")
}

// origins is what naming the flag behind a problem needs to know.
type origins struct {
	fs  *pflag.FlagSet
	app *spec.App
	// flagTiers are the names of the tiers --tier gave.
	flagTiers map[string]bool
}

// given returns "--FLAG" when flag was given, else "".
func (o *origins) given(flag string) string {
	if o.fs.Changed(flag) {
		return "--" + flag
	}
	return ""
}

// Origin returns a function that names the flag which set a problem's
// field, or "" when no given flag set it (the value came from a spec file,
// a preset or a default), so that messages about flag values name the flag.
// The flag is the table's row whose path is the longest one the field lies
// under.
func (v *Values) Origin(fs *pflag.FlagSet, a *spec.App) func(field string) string {
	o := &origins{fs: fs, app: a, flagTiers: map[string]bool{}}
	for _, s := range v.Tiers {
		if t, err := spec.ParseTier(s); err == nil {
			o.flagTiers[t.Name] = true
		}
	}
	return func(field string) string {
		var best *row
		longest := -1
		for i := range table {
			for _, p := range table[i].Paths {
				if len(p) > longest && Under(field, p) {
					best, longest = &table[i], len(p)
				}
			}
		}
		switch {
		case best == nil:
			return ""
		case best.origin != nil:
			return best.origin(o, field)
		}
		return o.given(best.Flag)
	}
}

// tierOrigin names --tier NAME for a problem of a tier the flag gave.
func tierOrigin(o *origins, field string) string {
	if field == "tiers" {
		return o.given(FlagTier)
	}
	var i int
	if _, err := fmt.Sscanf(field, "tiers[%d]", &i); err == nil && i < len(o.app.Tiers) && o.flagTiers[o.app.Tiers[i].Name] {
		return "--" + FlagTier + " " + o.app.Tiers[i].Name
	}
	return ""
}

// ruleOrigin names --rule #N for a problem of the Nth rule the flags gave.
func ruleOrigin(o *origins, field string) string {
	var i int
	_, err := fmt.Sscanf(field, "ingress.rules[%d]", &i)
	if err != nil {
		_, err = fmt.Sscanf(field, "gateway.routes[%d]", &i)
	}
	if err == nil && o.fs.Changed(FlagRule) {
		return fmt.Sprintf("--%s #%d", FlagRule, i+1)
	}
	return o.given(FlagRule)
}
