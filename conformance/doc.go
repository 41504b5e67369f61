// Package conformance holds prom's differential tests against Prometheus's own parsers
// and escaping. It is a module of its own so that the root module requires nothing, and it
// has no code but its tests: nothing here ships.
//
// TestDifferential feeds the same documents to prom's parse package and to
// github.com/prometheus/prometheus/model/textparse and github.com/prometheus/common/expfmt
// (the text, OpenMetrics and protobuf readers of each), brings every reading to one sorted
// form of lines (metadata, samples with exemplars and timestamps, native histograms,
// created times) and fails on any disagreement that its table does not explain. The
// documents are the OpenMetrics parser suite and the Python client's invalid cases from
// ../shared/conformance, the realistic expositions there, the peers' own test documents
// and fuzz corpus (read from the module cache at test time, never copied here), the
// documents of testdata/ and proto_cases_test.go, and prom's writers' output of every type
// in every format and escaping scheme. A disagreement found later goes in as a document of
// testdata/.
//
// The table (table_test.go) has two lists. deliberate holds the differences prom keeps, each
// with its reason and, where the specification and a peer disagree, the side it takes.
// pendingFix holds known bugs of prom being fixed; an entry that explains nothing fails the
// test, so that it is deleted when its fix lands. TestWriterNames and the escaping tests
// keep their pending fixes beside them, in the same way.
//
// TestWriterRoundTrip holds what the peers read from prom's writers against the families
// written; TestWriterNames holds the names in that output, and TestEscapeNameMatchesCommon
// prom's EscapeName and UnescapeName, against prometheus/common's model escaping.
//
// TestOTLPDifferential decodes package otlp's push requests with the official OTLP Go types
// (go.opentelemetry.io/proto/otlp) and holds them against the OpenTelemetry specification's
// translation of the same families, built with those types here, and against protobuf-go's
// bytes for it; TestOTLPNativeRandom does the same for random native histograms and checks
// that each bucket keeps its bounds.
//
// Run them with
//
//	cd conformance && go test -v -run . ./...
//
// The summary of TestDifferential (comparisons per source, disagreements by kind and by
// table entry) is in the -v log.
package conformance
