#!/bin/sh
# Recreates the gzip samples in acme/ from their plain sources in gz-sources/acme/.
# -n keeps name and timestamp out of the gzip header so the output is reproducible.
set -eu
cd "$(dirname "$0")"
gzip -n -9 -c gz-sources/acme/orders-2026-11-20.csv > acme/orders-2026-11-20.csv.gz
# two gzip members concatenated: what `cat a.gz b.gz` or an appending writer produces
gzip -n -9 -c gz-sources/acme/orders-multimember-part1.csv > acme/orders-multimember.csv.gz
gzip -n -9 -c gz-sources/acme/orders-multimember-part2.csv >> acme/orders-multimember.csv.gz
# acme/orders-plain-named.csv.gz is plain text on purpose: detection must ignore the name.
