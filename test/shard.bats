#!/usr/bin/env bats
# Sharding on GNU parallel: a pipeline split over 4 jobs gives, byte for
# byte, what one process gives.  Requests are sharded by instance (one
# request file an instance, its ids prefixed by trace-parse --id-prefix;
# batchify never across one), steps by blocks of lines (roofline-eval is a
# per-line filter), and fit-penalty takes the merged eval records.

load helpers/common

M=(-m llama-3.1-8b-instruct -g H100)

setup_file() {
	command -v parallel >/dev/null || skip "GNU parallel not installed (scripts/install-deps.sh test)"
}

setup() {
	command -v parallel >/dev/null || skip "GNU parallel not installed"
	d="$BATS_TEST_TMPDIR"
	# Four instances' request traces (Azure CSV), distinct arrivals.
	for i in 1 2 3 4; do
		awk -v seed="$i" 'BEGIN { srand(seed)
		    print "TIMESTAMP,ContextTokens,GeneratedTokens"
		    for (k = 0; k < 120; k++) { t += rand() * 0.05
			printf "2024-05-10 00:%02d:%09.6f,%d,%d\n", int(t / 60),
			    t - 60 * int(t / 60), 16 + int(rand() * 2000),
			    1 + int(rand() * 120) } }' >"$d/req$i.csv"
	done
}

# parallel's own notice off; its jobs find the programs on PATH.
par() { parallel --will-cite "$@"; }

# One instance's steps, its request ids prefixed by its file's name.
inst() {	# file
	trace-parse --id-prefix "$(basename "$1" .csv)-" "$1" | batchify "${M[@]}"
}
# The same as a command for parallel ({/.}: the file's name).
INST="trace-parse --id-prefix {/.}- {} | batchify ${M[*]}"

@test "--id-prefix keeps the merged request ids unique across instances" {
	par -k -j4 'trace-parse --id-prefix {/.}- {}' ::: "$d"/req?.csv >"$d/req"
	run sh -c "jq -r .request_id '$d/req' | sort | uniq -d | wc -l"
	assert_output 0
	run sh -c "jq -r .request_id '$d/req' | wc -l"
	assert_output 480
	# Without it, the four files' ids collide.
	par -k -j4 'trace-parse {}' ::: "$d"/req?.csv >"$d/bare"
	run sh -c "jq -r .request_id '$d/bare' | sort | uniq -d | wc -l"
	assert_output 120
}

@test "per instance on 4 jobs: trace-parse | batchify, merged in order = one loop" {
	for f in "$d"/req?.csv; do
		inst "$f"
	done >"$d/one"
	par -k -j4 "$INST" ::: "$d"/req?.csv >"$d/par"
	[ "$(wc -l <"$d/one")" -gt 400 ]
	run cmp "$d/one" "$d/par"
	assert_success
}

@test "roofline-eval through parallel --pipe -k -j4 and --pipepart: byte-identical to one process" {
	for f in "$d"/req?.csv; do
		inst "$f"
	done >"$d/steps"
	roofline-eval "${M[@]}" "$d/steps" >"$d/one"
	# The input really is split: more blocks than jobs.
	run sh -c "parallel --will-cite --pipe -k -j4 --block 200k wc -l <'$d/steps' | wc -l"
	[ "$output" -ge 4 ]
	par --pipe -k -j4 --block 200k roofline-eval "${M[@]}" <"$d/steps" >"$d/pipe"
	run cmp "$d/one" "$d/pipe"
	assert_success
	par --pipepart -a "$d/steps" -k -j4 --block 200k roofline-eval "${M[@]}" >"$d/part"
	run cmp "$d/one" "$d/part"
	assert_success
}

@test "sharded pipeline (trace-parse, batchify per instance; roofline-eval -j4; fit-penalty on the merge) = single process" {
	one() {
		for f in "$d"/req?.csv; do
			inst "$f"
		done | roofline-eval "${M[@]}"
	}
	sharded() {
		par -k -j4 "$INST" ::: "$d"/req?.csv |
		    par --pipe -k -j4 --block 200k roofline-eval "${M[@]}"
	}
	one | "$ROOT/test/helpers/fit-synth" --seed 7 | fit-penalty --pretty >"$d/one.json"
	sharded | "$ROOT/test/helpers/fit-synth" --seed 7 | fit-penalty --pretty >"$d/par.json"
	# Everything but the report's date, byte for byte.
	run cmp <(grep -v '"date":' "$d/one.json") <(grep -v '"date":' "$d/par.json")
	assert_success
	run jq -r '.steps.read > 400 and (.parameters.mixed_batch_penalty.estimate | type == "number")' "$d/one.json"
	assert_output true
	# And with --sample on the merge: the same sample, the same fit.
	one | "$ROOT/test/helpers/fit-synth" --seed 7 | fit-penalty --sample 200 --pretty >"$d/one.json"
	sharded | "$ROOT/test/helpers/fit-synth" --seed 7 | fit-penalty --sample 200 --pretty >"$d/par.json"
	run cmp <(grep -v '"date":' "$d/one.json") <(grep -v '"date":' "$d/par.json")
	assert_success
}
