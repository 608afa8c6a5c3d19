#!/usr/bin/env bash
# The bash completion (completion/faultline.bash) against the real binary:
# each case sets the words as bash would and checks what _faultline offers.
# Usage: test_completion.sh FAULTLINE COMPLETION_FILE
set -u
faultline=$1
# shellcheck source=/dev/null
source "$2"
shopt -s extglob
PATH=$(dirname "$faultline"):$PATH
failed=0

# expect WANT WORD...: the completions for WORD... (the last is being typed) include WANT.
expect() {
	local want=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_faultline
	local c
	for c in "${COMPREPLY[@]}"; do
		[[ $c == "$want" ]] && { echo "ok: $* -> $want"; return; }
	done
	echo "FAIL: $* -> [${COMPREPLY[*]}], want $want"
	failed=1
}

# nothing WORD...: no completions at all.
nothing() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_faultline
	if [[ ${#COMPREPLY[@]} -ne 0 ]]; then
		echo "FAIL: $* -> [${COMPREPLY[*]}], want nothing"
		failed=1
	else
		echo "ok: $* -> nothing"
	fi
}

expect run faultline ru
expect check faultline ch
expect list faultline l
expect --version faultline --v
expect --require-all faultline run --req
expect --summary-md faultline run --sum
expect --report faultline run -r x.yaml --rep
expect --strict faultline check --st
expect json faultline check --format j
expect --arch faultline check --ar
expect aarch64 faultline check --arch aa
expect syscalls faultline list sys
expect keys faultline list k
expect groups faultline list gr
expect @file-system faultline list groups @file
expect '{syscall: "@file-system' faultline run -e '{syscall: "@file-s'
expect '{syscall: [read, "@sync' faultline run -e '{syscall: [read, "@sy'
expect "{syscall: openat" faultline run -e "{syscall: opena"
expect "{syscall: [read, write" faultline run -e "{syscall: [read, writ"
expect "{syscall: read, error: ENOENT" faultline run -e "{syscall: read, error: ENOEN"
expect "{syscall: read, probability:" faultline run -e "{syscall: read, prob"
expect "{expect:" faultline run -e "{exp"
expect "{syscall: read, phase: exit" faultline run -e "{syscall: read, phase: ex"
expect "{syscall: read, per: thread" faultline run -e "{syscall: read, per: thr"
expect "{syscall: write, crash: power-loss" faultline run -e "{syscall: write, crash: po"
expect "{syscall: write, crash: power-loss, dirs: lose" faultline run -e "{syscall: write, crash: power-loss, dirs: lo"
expect --crash faultline sweep --cra
expect "{clock:" faultline run -e "{cloc"
expect "{clock: {offset:" faultline run -e "{clock: {off"
expect "{clock: {jump: -10m, clocks: [monotonic" faultline run -e "{clock: {jump: -10m, clocks: [mon"
expect bash faultline run -r x.yaml -- bas
expect --pid-of faultline run --pid-o
expect --all-matches faultline run --pid-of x --all
expect --wait faultline run --pid-of x --wa
nothing faultline run --pid-of x --wait 1
# --pid-of NAME: the command names running now, this shell's among them.
self_comm=$(cat /proc/$$/comm)
expect "$self_comm" faultline run --pid-of "${self_comm:0:3}"
expect report faultline rep
expect merge faultline report m
expect --summary-md faultline report merge --summ
nothing faultline run -s ""
nothing faultline run -e "{syscall: read, times: "

exit $failed
