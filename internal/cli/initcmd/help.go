package initcmd

// Help shown when the user types ? at a question. Each explains the
// concept behind the question in a sentence or two, so that the wizard
// teaches Kubernetes networking as it goes.
const (
	helpExisting = "kubenetgen.yaml is your app's spec: kubenetgen generate turns it into the base. " +
		"Editing it keeps its values as the defaults of every question; nothing is written until you confirm."
	helpPreset = "A preset fills in the default of every later question; you can change any of it. " +
		"blank starts from nothing."
	helpName = "The app's name, a DNS-1035 label (lowercase letters, digits and '-', starting with a letter). " +
		"It names the Ingress and sets the app.kubernetes.io/part-of label on every object."
	helpNamespace = "The namespace the app runs in, written as a Namespace enforcing Pod Security 'restricted' with a default-deny NetworkPolicy: " +
		"no pod may talk to another unless a flow you declare allows it. Default-deny would block DNS lookups too, so every pod may reach cluster DNS on port 53 (UDP and TCP)."
	helpTiers = "A tier is one Deployment with its ServiceAccount, an optional Service and a NetworkPolicy that admits only the callers you allow. " +
		"Edit a tier, add one, remove one, or go on when the list is right."
	helpRemove   = "Removing a tier also removes the flows from it and the Ingress rules that route to it."
	helpTierName = "A short DNS-1035 label such as web, api or db. It names the tier's Deployment, Service and ServiceAccount, " +
		"and the tier's Service DNS name is <tier>.<namespace>.svc.cluster.local."
	helpImage = "The container image the tier runs, pinned to a version or digest, e.g. ghcr.io/acme/api:1.4.0. " +
		"It must run as a non-root user: the namespace enforces Pod Security 'restricted'."
	helpPorts = "The ports the container listens on, NAME:PORT[/PROTOCOL] separated by commas (http:8080, dns:53/UDP); empty for a tier nobody calls, such as a worker. " +
		"Services, policies and Ingress rules refer to a port by its name, so its number changes in one place."
	helpReplicas = "How many pods run the tier. With 2 or more kubenetgen adds a PodDisruptionBudget and spreads the pods over nodes, " +
		"so draining a node never takes the tier down."
	helpAllowFrom = "The namespace denies all traffic by default. Each tier you check may call this one: it gets an ingress rule here " +
		"and an egress rule out of the caller, on this tier's ports (both ends are needed under default-deny)."
	helpExpose = "A Service gives the tier a stable DNS name its callers use. ClusterIP is reachable inside the cluster only; " +
		"NodePort also opens a port in the node port range (30000-32767 by default) on every node; LoadBalancer also gets a cloud load balancer."
	helpNodePort = "Leave it empty and Kubernetes picks a free port in the node port range, 30000-32767 unless the cluster sets --service-node-port-range. " +
		"A fixed port must lie in that range and be unique in the cluster."
	helpSourceRanges = "Default-deny also stops traffic from outside the cluster: give the client CIDRs that may connect (e.g. 203.0.113.0/24), separated by commas, " +
		"or leave it empty to admit any address except the pod network. externalTrafficPolicy Local keeps client addresses, so the rule can match them."
	helpIngress = "An Ingress routes HTTP(S) from outside to your tiers through an ingress controller, a proxy running in its own namespace. " +
		"The policies must admit the controller's pods into each routed tier, so kubenetgen needs to know where they run."
	helpIngressClass     = "The IngressClass your controller serves (kubectl get ingressclass)."
	helpIngressNamespace = "The namespace the controller's pods run in (kubectl get pods -A -l <its labels>); the policies admit the controller's pods " +
		"from this namespace only. Traefik runs in kube-system on k3s, Istio's gateway in istio-system or istio-ingress."
	helpIngressLabels = "Labels that select the controller's pods, KEY=VALUE separated by commas (kubectl get pods -n NAMESPACE --show-labels), " +
		"e.g. app.kubernetes.io/name=haproxy-ingress."
	helpHost = "The DNS name clients use, e.g. shop.example.com; point its DNS record at the ingress controller. " +
		"Leave it empty to match any host, but then TLS is not possible: a certificate names its host."
	helpRoutes = "Which path goes to which tier, PATH=TIER:PORT separated by commas, e.g. /=web:http, /api=api:http; PORT is the tier's port name. " +
		"Paths are prefixes: /api also matches /api/orders. HOST/PATH=TIER:PORT routes another host."
	helpTLS = "TLS encrypts traffic between clients and the controller. cert-manager can issue and renew the certificate from a ClusterIssuer (Let's Encrypt, for example); " +
		"or name a kubernetes.io/tls Secret you create yourself. On a local cluster without cert-manager, kubenetgen can make a self-signed certificate: clients do not trust it, so curl needs --cacert and browsers warn."
	helpTLSSecret = "The kubernetes.io/tls Secret holding the certificate, in the app's namespace. With cert-manager or a self-signed certificate it is created for you; " +
		"otherwise create it with kubectl create secret tls."
	helpIssuer = "The cert-manager ClusterIssuer that issues the certificate (kubectl get clusterissuer); " +
		"kubenetgen sets the cert-manager.io/cluster-issuer annotation on the Ingress."
	helpConfirm = "Nothing has been written yet. Yes writes kubenetgen.yaml and the base; files you edited since kubenetgen wrote them are never replaced (unless --force)."
	helpRevisit = "Go back to any part of the answers; everything you answered stays as the defaults."
)
