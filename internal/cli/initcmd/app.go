package initcmd

import (
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/spec"
)

// appSection asks the app's name and namespace.
func (w *wizard) appSection() error {
	if !w.skip[appflags.AskName] {
		q := inputQ{msg: "App name", help: helpName, def: w.app.Name, fields: []string{appflags.Path(appflags.FlagName)},
			apply: func(a *spec.App, s string) error { a.Name = s; return nil }}
		if q.def == "" {
			q.def, q.suggested = w.suggestName, true
		}
		if err := w.input(q); err != nil {
			return err
		}
	}
	if !w.skip[appflags.AskNamespace] {
		q := inputQ{msg: "Namespace", help: helpNamespace, def: spec.Defaulted(w.app).Namespace, fields: []string{appflags.Path(appflags.FlagNamespace)},
			apply: func(a *spec.App, s string) error { a.Namespace = s; return nil }}
		if err := w.input(q); err != nil {
			return err
		}
	}
	return nil
}

// Help for the app section.
const (
	helpName = "The app's name, a DNS-1035 label (lowercase letters, digits and '-', starting with a letter). " +
		"It names the Ingress and sets the app.kubernetes.io/part-of label on every object."
	helpNamespace = "The namespace the app runs in, written as a Namespace enforcing Pod Security 'restricted' with a default-deny NetworkPolicy: " +
		"no pod may talk to another unless a flow you declare allows it. Default-deny would block DNS lookups too, so every pod may reach cluster DNS on port 53 (UDP and TCP)."
)
