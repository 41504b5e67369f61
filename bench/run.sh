#!/usr/bin/env bash
# Runs the side-by-side benchmarks of prom and its peers and writes bench/RESULTS.md.
#
#   bench/run.sh           full run (about 20 minutes on 2 cores), writes RESULTS.md and
#                          results-raw.txt (the go test output, for benchstat)
#   bench/run.sh --quick   each benchmark once, large expositions skipped (-short), to prove the
#                          module builds and runs; the report goes to a temporary file and its
#                          targets section is printed. CI runs this.
#
# Benchmarks on one shared series (Benchmark…Shared) and the calibration pair run at -cpu 1,2;
# the others at the default GOMAXPROCS. Binary sizes are of bench/binsize/* built with
# -trimpath -ldflags='-s -w'. Nothing else should run on the machine during a full run: the
# calibration line at the top of RESULTS.md says whether it was quiet.
set -euo pipefail

cd "$(dirname "$0")"
mode=full
[ "${1:-}" = "--quick" ] && mode=quick

work=$(mktemp -d /tmp/prom-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
raw=$work/raw.txt
sizes=$work/sizes.txt
mkdir -p "$work/modules"

bench() { # bench ARGS...: go test -bench in this module, output appended to $raw
	echo "--- go test -bench $*" >&2
	go test -run '^$' "$@" . | tee -a "$raw" | grep -E '^(Benchmark|ok|FAIL|---)' >&2
}

t0=$(date +%s)
if [ "$mode" = quick ]; then
	bench -bench 'Shared|Calibration' -benchtime 1x -cpu 1,2 -short
	bench -bench . -skip 'Shared|Calibration' -benchtime 1x -short
else
	# Five runs of each timed benchmark (-count 5); the report takes the median of each figure.
	# With three, single figures of one build still moved by a fifth from one full run to the
	# next on this shared machine.
	bench -bench 'Shared|Calibration' -benchtime 1s -cpu 1,2 -count 5
	bench -bench . -skip 'Shared|Calibration|ChildHeap|Expose|Service|ParseScrape' -benchtime 500ms -count 5
	# A scraper parses a document on one goroutine: on one P, the process CPU time is the
	# parser's and its garbage collection's, without idle-P mark workers burning the other
	# core while a single goroutine allocates.
	bench -bench 'ParseScrape' -benchtime 1s -count 5 -cpu 1
	bench -bench 'Expose' -benchtime 1s -timeout 30m
	# The whole service: 20 simulated seconds a run, so that each run has 20 scrapes to
	# take the latency percentiles of (the 99th of 20 is the slowest).
	bench -bench 'Service' -benchtime 20x -count 5
	bench -bench 'ChildHeap' -benchtime 1x
fi

# The parser's memory, held while it streams: parse's BenchmarkReaderMemory (in the root
# module) reads documents of 10^6 series (2·10^4 in quick mode) and samples the heap; its
# lines are renamed to prom's column.
memseries=1000000
[ "$mode" = quick ] && memseries=20000
echo "--- go test ./parse -bench ReaderMemory (MEMDOC_SERIES=$memseries)" >&2
(cd .. && MEMDOC_SERIES=$memseries go test -run '^$' -bench ReaderMemory -benchtime 1x -benchmem ./parse) |
	sed -E 's#^(BenchmarkReaderMemory/[^[:space:]]*)-([0-9]+)#\1/prom-\2#' | tee -a "$raw" | grep -E '^(Benchmark|ok|FAIL)' >&2

# Binary size of the minimal /metrics servers, and the third-party modules each links.
for d in binsize/*/; do
	lib=$(basename "$d")
	col=$lib
	[ "$lib" = nethttp ] && col=baseline-nethttp
	go build -trimpath -ldflags='-s -w' -o "$work/$lib" "./$d"
	echo "BenchmarkBinarySize/stripped/$col 1 $(stat -c %s "$work/$lib") bytes" >>"$sizes"
	go version -m "$work/$lib" >"$work/modules/$col.txt"
	n=$(awk '$1 == "dep" && $2 != "github.com/prom-go/prom" {n++} END {print n+0}' "$work/modules/$col.txt")
	echo "BenchmarkBinarySize/third-party-modules/$col 1 $n modules" >>"$sizes"
done
cat "$sizes" >&2

if [ "$mode" = quick ]; then
	go run ./cmd/report -in "$raw,$sizes" -modules "$work/modules" -mode quick >"$work/RESULTS.md"
	sed -n '/^## Targets/,/^[0-9]* met, /p' "$work/RESULTS.md"
else
	go run ./cmd/report -in "$raw,$sizes" -modules "$work/modules" -mode full >RESULTS.md
	cp "$raw" results-raw.txt
	cat "$sizes" >>results-raw.txt
	echo "wrote bench/RESULTS.md" >&2
	# The README shows the calibration line and the targets table, between its bench markers.
	{
		grep '^Calibration:' RESULTS.md
		echo
		sed -n '/^## Targets/,/^[0-9]* met, /p' RESULTS.md | sed '1,2d'
	} >"$work/readme-bench.md"
	awk -v f="$work/readme-bench.md" '
		/<!-- bench:end -->/ { skip = 0 }
		!skip { print }
		/<!-- bench:begin -->/ { while ((getline l < f) > 0) print l; skip = 1 }
	' ../README.md >"$work/README.md" && cp "$work/README.md" ../README.md
	echo "updated the targets table in README.md" >&2
fi
echo "bench: $mode run took $(( $(date +%s) - t0 ))s" >&2
