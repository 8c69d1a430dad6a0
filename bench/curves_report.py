#!/usr/bin/env python3
"""Tables and plots of bench/curves.sh's CSV: OUT/curves.md (Markdown tables, one per series) and
OUT/curves-SERIES-{wall,cpu,memory}.png drawn by gnuplot (log-log, one line per
simulator and policy). usage: bench/curves_report.py CSV OUT"""

import collections
import csv
import os
import subprocess
import sys

X_OF = {'requests': 'requests', 'servers': 'servers', 'links': 'links'}
TITLE = {'requests': 'W1, 16 servers', 'servers': 'W1, {requests} requests',
         'links': 'W1 with a network (K + 1 links), {requests} requests'}
POLICY = {'rr': 'round robin', 'lc': 'least connections'}


def read(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def lines_of(rows):
    """(simulator, policy) -> rows in order of size, for one series."""
    lines = collections.OrderedDict()
    for row in rows:
        lines.setdefault((row['simulator'], row['policy']), []).append(row)
    return lines


def cell(row):
    if row['status'] == 'ok':
        return '%s s / %s s / %s MiB' % (row['wall_s'], row['cpu_s'], row['peak_mib'])
    if row['status'] == 'timeout':
        return 'over the CPU cap'
    if row['status'] == 'failed':
        return 'failed'
    return row['status'].replace('skipped: ', 'skipped (') + ')' if row['status'].startswith('skipped') else row['status']


def table(series, rows):
    x = X_OF[series]
    lines = lines_of(rows)
    sizes = sorted({int(r[x]) for r in rows})
    head = [x] + ['%s %s' % (sim, policy) for sim, policy in lines]
    out = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for size in sizes:
        cells = ['{:,}'.format(size)]
        for key in lines:
            match = [r for r in lines[key] if int(r[x]) == size]
            cells.append(cell(match[0]) if match else '')
        out.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(out)


def title(series, rows):
    return TITLE[series].format(requests='{:,}'.format(int(rows[0]['requests'])))


def plot(series, rows, out_dir, metric, column, ylabel):
    x = X_OF[series]
    data = []
    for (sim, policy), line in lines_of(rows).items():
        points = [(int(r[x]), float(r[column])) for r in line if r['status'] == 'ok' and float(r[column]) > 0]
        if points:
            path = os.path.join(out_dir, 'curves-%s-%s-%s.dat' % (series, sim, policy))
            with open(path, 'w') as f:
                f.writelines('%d %s\n' % p for p in points)
            data.append((path, '%s, %s' % (sim, POLICY.get(policy, policy))))
    if not data:
        return None
    png = os.path.join(out_dir, 'curves-%s-%s.png' % (series, metric))
    script = '\n'.join([
        'set terminal pngcairo size 960,480 font ",10"',
        'set output "%s"' % png,
        'set logscale xy',
        'set grid',
        'set key outside right top',
        'set format x "10^{%L}"',
        'set xlabel "%s"' % x,
        'set ylabel "%s"' % ylabel,
        'set title "%s: %s"' % (title(series, rows), ylabel),
        'plot ' + ', '.join('"%s" using 1:2 with linespoints title "%s"' % d for d in data),
    ])
    subprocess.run(['gnuplot'], input=script, text=True, check=True)
    for path, _ in data:
        os.remove(path)
    return png


def main():
    csv_path, out_dir = sys.argv[1], sys.argv[2]
    rows = read(csv_path)
    by_series = collections.OrderedDict()
    for row in rows:
        by_series.setdefault(row['series'], []).append(row)
    text = []
    for series, series_rows in by_series.items():
        text.append('### %s: wall time / CPU time (user + sys) / peak RSS\n' % title(series, series_rows))
        text.append(table(series, series_rows) + '\n')
        for metric, column, ylabel in (('wall', 'wall_s', 'wall time (s)'), ('cpu', 'cpu_s', 'CPU time, user + sys (s)'),
                                       ('memory', 'peak_mib', 'peak RSS (MiB)')):
            png = plot(series, series_rows, out_dir, metric, column, ylabel)
            if png:
                print(png)
    with open(os.path.join(out_dir, 'curves.md'), 'w') as f:
        f.write('\n'.join(text))
    print(os.path.join(out_dir, 'curves.md'))


if __name__ == '__main__':
    main()
