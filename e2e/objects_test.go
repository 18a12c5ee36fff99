//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// These types decode the few fields the checks read from Kubernetes' JSON.
// encoding/json matches field names case-insensitively, so the Go names
// stand for the camelCase ones; unknown fields are ignored.

type objectMeta struct {
	Name       string
	Namespace  string
	Labels     map[string]string
	Generation int64
}

// object is any Kubernetes object, with its JSON kept for decoding into a
// specific type.
type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string
	Metadata   objectMeta
	raw        json.RawMessage
}

// id names an object the way kubectl's apply output does, minus the group.
func (o object) id() string {
	if o.Metadata.Namespace != "" {
		return fmt.Sprintf("%s %s/%s", o.Kind, o.Metadata.Namespace, o.Metadata.Name)
	}
	return fmt.Sprintf("%s %s", o.Kind, o.Metadata.Name)
}

func (o object) decode(into any) error {
	if err := json.Unmarshal(o.raw, into); err != nil {
		return fmt.Errorf("decoding %s: %w", o.id(), err)
	}
	return nil
}

// decodeObjects reads kubectl's JSON output: a stream of objects, each of
// which may be a List (kubectl get) or a single object (kubectl create
// --dry-run=client prints one document per object).
func decodeObjects(data []byte) ([]object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var objs []object
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("decoding kubectl output: %w", err)
		}
		var head struct {
			Kind  string
			Items []json.RawMessage
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("decoding kubectl output: %w", err)
		}
		items := []json.RawMessage{raw}
		if strings.HasSuffix(head.Kind, "List") {
			items = head.Items
		}
		for _, item := range items {
			var o object
			if err := json.Unmarshal(item, &o); err != nil {
				return nil, fmt.Errorf("decoding an object in kubectl output: %w", err)
			}
			o.raw = bytes.Clone(item)
			objs = append(objs, o)
		}
	}
	return objs, nil
}

type condition struct {
	Type    string
	Status  string
	Reason  string
	Message string
}

func conditionTrue(conds []condition, typ string) bool {
	return slices.ContainsFunc(conds, func(c condition) bool { return c.Type == typ && c.Status == "True" })
}

type labelSelector struct {
	MatchLabels      map[string]string
	MatchExpressions []struct {
		Key      string
		Operator string
		Values   []string
	}
}

// matches implements metav1.LabelSelector semantics. An empty selector
// matches everything, as it does for a PodDisruptionBudget in policy/v1.
func (s labelSelector) matches(labels map[string]string) bool {
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, e := range s.MatchExpressions {
		v, ok := labels[e.Key]
		switch e.Operator {
		case "In":
			if !ok || !slices.Contains(e.Values, v) {
				return false
			}
		case "NotIn":
			if ok && slices.Contains(e.Values, v) {
				return false
			}
		case "Exists":
			if !ok {
				return false
			}
		case "DoesNotExist":
			if ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// mapSelects reports whether a Service-style selector (plain equality, and
// empty meaning "no selector") selects labels.
func mapSelects(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

type containerPort struct {
	Name          string
	ContainerPort int32
	Protocol      string
}

type container struct {
	Name  string
	Ports []containerPort
}

type spreadConstraint struct {
	MaxSkew           int32
	TopologyKey       string
	WhenUnsatisfiable string
}

type podSpec struct {
	NodeName                  string
	Containers                []container
	TopologySpreadConstraints []spreadConstraint
}

type deployment struct {
	Metadata objectMeta
	Spec     struct {
		Replicas *int32
		Selector labelSelector
		Template struct {
			Metadata objectMeta
			Spec     podSpec
		}
	}
	Status struct {
		ObservedGeneration int64
		Replicas           int32
		UpdatedReplicas    int32
		ReadyReplicas      int32
		AvailableReplicas  int32
		Conditions         []condition
	}
}

// replicas applies the API default of one.
func (d deployment) replicas() int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

type pod struct {
	Metadata objectMeta
	Spec     podSpec
	Status   struct {
		Phase      string
		PodIP      string
		Conditions []condition
	}
}

// intOrString is a Kubernetes IntOrString: a port number or a port name.
type intOrString struct {
	set bool
	num int32
	str string
}

func (v *intOrString) UnmarshalJSON(data []byte) error {
	v.set = true
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &v.str)
	}
	return json.Unmarshal(data, &v.num)
}

func (v intOrString) String() string {
	if v.str != "" {
		return strconv.Quote(v.str)
	}
	return strconv.Itoa(int(v.num))
}

type servicePort struct {
	Name       string
	Protocol   string
	Port       int32
	TargetPort intOrString
	NodePort   int32
}

type service struct {
	Metadata objectMeta
	Spec     struct {
		Type     string
		Selector map[string]string
		Ports    []servicePort
	}
}

type endpointSlice struct {
	AddressType string
	Endpoints   []struct {
		Addresses  []string
		Conditions struct {
			Ready *bool
		}
	}
	Ports []struct {
		Name     *string
		Port     *int32
		Protocol *string
	}
}

type podDisruptionBudget struct {
	Metadata objectMeta
	Spec     struct {
		Selector labelSelector
	}
	Status struct {
		ObservedGeneration int64
		ExpectedPods       int32
		CurrentHealthy     int32
		DesiredHealthy     int32
	}
}

type ingress struct {
	Metadata objectMeta
	Spec     struct {
		IngressClassName *string
		DefaultBackend   *ingressBackend
		TLS              []struct {
			Hosts      []string
			SecretName string
		}
		Rules []struct {
			Host string
			HTTP *struct {
				Paths []struct {
					Path    string
					Backend ingressBackend
				}
			}
		}
	}
}

type ingressBackend struct {
	Service *struct {
		Name string
		Port struct {
			Name   string
			Number int32
		}
	}
}

// sortedKeys returns the keys of a set, sorted, for stable messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
