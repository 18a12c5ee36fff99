package verify_test

import (
	"testing"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/verify"
)

// TestTierPeers: a tier's workload is the one named after it, else the
// one whose pods carry its component label; the name wins over a label.
func TestTierPeers(t *testing.T) {
	a := loadSpec(t, "testdata/shop.kubenetgen.yaml")
	o := generate.BuildObjects(a)
	// api's Deployment renamed: found by its pods' component label.
	tierObjects(o, "api").Deployment.Name = "api-v2"
	// A second workload labelled as web, listed before web's own: web
	// is still its own Deployment, found by name.
	impostor := tierObjects(o, "web").Deployment.DeepCopy()
	impostor.Name = "aaa-web-canary"
	e := verify.NewEvaluator(verify.FromObjects("base", append(o.List(), impostor)).Objects, verify.OptionsFromSpec(a))
	got := verify.TierPeers(a, e)
	for tier, want := range map[string]string{"api": "shop/api-v2", "web": "shop/web", "db": "shop/db"} {
		id := "none"
		if p := got[tier]; p != nil {
			id = p.ID
		}
		if id != want {
			t.Errorf("TierPeers()[%s] = %s, want %s", tier, id, want)
		}
	}
}
