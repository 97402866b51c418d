#!/usr/bin/env bash
# What `lexicon fit` does on comments it never saw, when it is fitted on most of a set (as a
# site fits its whole history): each shuffle splits the labeled comments into five parts by an
# MD5 of the shuffle's name and the comment's id, fits on four parts with the defaults, audits
# the fifth with the fitted layer, and counts review|remove against the labels over all five.
#
#   bench/fit/holdout.sh LABELS.jsonl [SHUFFLES="a b c d"] [-- FIT OPTIONS...]
#
# Prints, per shuffle, the F1 of the five held-out parts counted together and the mean of the
# five fits' own cross-validated F1, then the means. The labels are read by path (the
# development sets stay outside the repository). Needs jq and perl (Digest::MD5). MODERATO=BIN
# measures another build (to compare with an earlier commit).
set -euo pipefail
cd "$(dirname "$0")/../.."
labels=$1
shift
shuffles="a b c d"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then shuffles=$1; shift; fi
if [ "${1:-}" = "--" ]; then shift; fi
if [ -z "${MODERATO:-}" ]; then cargo build --release --quiet; fi
bin=${MODERATO:-target/release/moderato}
# The fit's --model, if given, is the model the audit scores with too.
audit_opts=()
prev=
for a in "$@"; do
  if [ "$prev" = "--model" ]; then audit_opts=(--model "$a"); fi
  case $a in --model=*) audit_opts=("$a") ;; esac
  prev=$a
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sum_f1=0 sum_cv=0 n=0
for s in $shuffles; do
  # The part of each line: MD5 of the shuffle's name and the id, mod 5.
  perl -MDigest::MD5=md5_hex -MJSON::PP -ne '
    my $id = decode_json($_)->{id};
    my $p = hex(substr(md5_hex("'"$s"'" . $id), -8)) % 5;
    $fh{$p} //= do { open(my $f, ">", "'"$tmp"'/part$p.jsonl") or die $!; $f };
    print { $fh{$p} } $_;' "$labels"
  tp=0 fp=0 fn=0 cvs=0
  for k in 0 1 2 3 4; do
    : > "$tmp/train.jsonl"
    for j in 0 1 2 3 4; do [ "$j" = "$k" ] || cat "$tmp/part$j.jsonl" >> "$tmp/train.jsonl"; done
    "$bin" lexicon fit --labels "$tmp/train.jsonl" -o "$tmp/fit.toml" --format json "$@" \
      2>/dev/null > "$tmp/fit.json"
    cvs=$(jq -n --argjson a "$cvs" --argjson b "$(jq '.cv.f1' "$tmp/fit.json")" '$a + $b')
    "$bin" audit --lexicon "$tmp/fit.toml" ${audit_opts[@]+"${audit_opts[@]}"} --input jsonl --format jsonl "$tmp/part$k.jsonl" \
      2>/dev/null | jq -c '{id, act: (.verdict == "review" or .verdict == "remove")}' > "$tmp/got.jsonl"
    read -r a b c < <(jq -rs --slurpfile got "$tmp/got.jsonl" '
      (map({key: (.id|tostring), value: (.label|tostring)}) | from_entries) as $y
      | [$got[] | {y: ($y[.id|tostring] == "1" or $y[.id|tostring] == "true"), act}]
      | "\(map(select(.act and .y)) | length) \(map(select(.act and (.y|not))) | length) \(map(select((.act|not) and .y)) | length)"' \
      "$tmp/part$k.jsonl")
    tp=$((tp + a)) fp=$((fp + b)) fn=$((fn + c))
  done
  rm -f "$tmp"/part*.jsonl
  f1=$(jq -n "2 * $tp / (2 * $tp + $fp + $fn)")
  cv=$(jq -n "$cvs / 5")
  printf '%s: held-out F1 %.4f (tp %d, fp %d, fn %d), fits'"'"' CV F1 %.4f\n' "$s" "$f1" "$tp" "$fp" "$fn" "$cv"
  sum_f1=$(jq -n "$sum_f1 + $f1") sum_cv=$(jq -n "$sum_cv + $cv") n=$((n + 1))
done
printf 'mean over %d shuffles: held-out F1 %.4f, CV F1 %.4f\n' "$n" "$(jq -n "$sum_f1 / $n")" "$(jq -n "$sum_cv / $n")"
