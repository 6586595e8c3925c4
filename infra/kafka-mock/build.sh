#!/bin/sh
# Builds the Kafka-protocol test cluster helper (infra/kafka-mock/build/mock_cluster) when the
# source is newer than the binary. Safe to run concurrently: the build holds an flock, and the
# binary is moved into place atomically. Needs cc and Debian librdkafka-dev.
set -eu

dir=$(cd "$(dirname "$0")" && pwd)
src="$dir/mock_cluster.c"
out="$dir/build/mock_cluster"
mkdir -p "$dir/build"

up_to_date() {
  [ -x "$out" ] && [ ! "$src" -nt "$out" ] && [ ! "$0" -nt "$out" ]
}

if up_to_date; then exit 0; fi

exec 9>"$dir/build/.lock"
flock 9
# Another build may have finished while this one waited for the lock.
if up_to_date; then exit 0; fi

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -o "$tmp" "$src" -lrdkafka
mv -f "$tmp" "$out"
trap - EXIT
