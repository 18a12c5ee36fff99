# kube-score targets, included by the main Makefile.
#
#   make kube-score   build kube-score v1.20.0 into .cache/kube-score (only when
#                     tools/kubescore pins change)
#   make score        score every golden base, as kustomize builds it, with
#                     kube-score: any CRITICAL finding fails

.PHONY: kube-score score

kube-score:
	@bash tools/kubescore/build.sh >/dev/null

# build.sh prints the binary's path; the test runs it on each base.
score:
	ks="$$(bash tools/kubescore/build.sh)" && KUBESCORE="$$ks" $(GO) test -tags kubescore -count=1 -v -run '^TestKubeScore' ./generate
