#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/plot.sh TSV PNG [TITLE]: plot bench/run's raw results (results/*.tsv:
# id, status, median_ms, min_ms, max_ms, ...) as one bar per row that was
# timed: the median, with a min..max error bar, on a log scale.  Needs gnuplot.
set -eu
[ $# -ge 2 ] || { echo "usage: bench/plot.sh TSV PNG [TITLE]" >&2; exit 2; }
tsv=$1 png=$2 title=${3:-apbox benchmark: median wall time per run, bars = min..max}
command -v gnuplot >/dev/null || { echo "bench/plot.sh: gnuplot is not installed" >&2; exit 2; }
dat=$(mktemp)
trap 'rm -f "$dat"' EXIT
awk -F'\t' 'NR > 1 && $2 == "ok" && $3 != "" { printf "\"%s\"\t%s\t%s\t%s\n", $1, $3, $4, $5 }' "$tsv" >"$dat"
[ -s "$dat" ] || { echo "bench/plot.sh: nothing to plot in \"$tsv\"" >&2; exit 1; }
gnuplot <<GP
set terminal pngcairo size 1100,600 noenhanced font ",10"
set output "$png"
set title "$title"
set ylabel "ms per run (log scale)"
set logscale y
set yrange [0.3:*]
set style fill solid 0.6 border -1
set boxwidth 0.7
set xtics rotate by -40 left nomirror
set xrange [-0.7:*]
set grid ytics
set key off
set bmargin 10
plot "$dat" using 0:2:xtic(1) with boxes lc rgb "#4477aa", \
     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0
GP
