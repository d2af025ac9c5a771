#!/usr/bin/env bash
# Checks that two biaogan binaries write byte-identical sites: the sample site of this
# repository and a generated corpus, each built cold (no cache) with both binaries, then
# compared with `diff -r` (file names, contents and empty directories). The footer's year is
# the only time-dependent byte of the output; both builds run within seconds of each other.
#
#   bench/same-output.sh OLD_BIN NEW_BIN GEN_CORPUS_BIN [CASES] [WORKDIR]
#
# Exit status 0 when every output is identical; 1 and the differing files otherwise.
set -euo pipefail
old=$1 new=$2 gen=$3 cases=${4:-1000}
work=${5:-$(mktemp -d)}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"

# A copy of a site, so that neither build reads the other's cache or record.
site_copy() {
  rm -rf "$2" && mkdir -p "$2"
  cp -r "$1"/site.yaml "$1"/content "$2"/
  for optional in templates published-urls.txt; do
    if [ -e "$1/$optional" ]; then cp -r "$1/$optional" "$2"/; fi
  done
}

status=0
"$gen" --cases "$cases" --out "$work/corpus" >/dev/null
for site in sample corpus; do
  source_dir=$repo
  [ "$site" = corpus ] && source_dir=$work/corpus
  for bin in old new; do
    site_copy "$source_dir" "$work/$site-$bin"
    exe=$old
    [ "$bin" = new ] && exe=$new
    (cd "$work/$site-$bin" && "$exe" build --out "$work/$site-$bin/public" >/dev/null 2>&1)
  done
  if diff -r "$work/$site-old/public" "$work/$site-new/public" >"$work/$site.diff"; then
    echo "$site: identical ($(find "$work/$site-new/public" -type f | wc -l) files)"
  else
    echo "$site: DIFFERENT (see $work/$site.diff)"
    head -20 "$work/$site.diff"
    status=1
  fi
done
exit $status
