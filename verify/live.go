package verify

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// live checks, on objects read from a running cluster, that the ingress
// controller whose pods really run reaches every pod an Ingress routes
// to: with Options.Live the [ingress-controller] peer carries the labels
// of those pods, so a policy that admits the controller by labels its
// pods do not carry shows here, naming the labels they do carry.
func (c *checker) live() {
	if !c.o.Live || c.o.IngressController == nil {
		return
	}
	ctl := c.e.Peer("[" + PeerIngressController + "]")
	if ctl == nil {
		return
	}
	for _, o := range c.objs {
		ing, ok := o.Obj.(*networkingv1.Ingress)
		if !ok {
			continue
		}
		seen := map[string]bool{}
		check := func(f string, b *networkingv1.IngressBackend) {
			if b == nil || b.Service == nil {
				return
			}
			svc := c.service(ing.Namespace, b.Service.Name)
			if svc == nil || len(svc.Spec.Selector) == 0 {
				return // reported by ingresses()
			}
			for _, sp := range svc.Spec.Ports {
				if (b.Service.Port.Name != "" && sp.Name != b.Service.Port.Name) || (b.Service.Port.Name == "" && sp.Port != b.Service.Port.Number) {
					continue
				}
				for _, w := range c.workloadsIn(ing.Namespace, labels.SelectorFromSet(svc.Spec.Selector)) {
					port, ok := resolvePort(w.Ports, targetPort(sp), "TCP")
					key := fmt.Sprintf("%s/%d", w.ID, port)
					if !ok || seen[key] || c.e.Allowed(ctl, w).Contains("TCP", port) {
						continue
					}
					seen[key] = true
					c.add(Error, o, f, fmt.Sprintf("the ingress controller cannot reach %s on %d/TCP: its running pods in %s carry %s, and no NetworkPolicy of %s admits them; the route is down",
						w.ID, port, ctl.Namespace, showLabels(ctl.Labels), w.ID),
						"admit the controller by labels its pods carry (in kubenetgen.yaml: ingress.controller), e.g. the stable app.kubernetes.io/name and app.kubernetes.io/instance")
				}
			}
		}
		check("spec.defaultBackend", ing.Spec.DefaultBackend)
		for i, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			for j := range r.HTTP.Paths {
				check(fmt.Sprintf("spec.rules[%d].http.paths[%d].backend", i, j), &r.HTTP.Paths[j].Backend)
			}
		}
	}
}
