#!/usr/bin/env bash
# Regenerates the GUI screenshots in docs/images/ without a display (Qt's offscreen platform):
# runs quickstart-network.yaml in lbsim-gui for a minute of simulated time, steps six requests in
# the step view, and saves the window, four charts, the topology and the step view; with two
# results folders of the same scenario under other algorithms, the Compare tab and two overlaid
# charts; then the animation of least-connections.yaml paused at 5.3 s (a queue at C, the last
# choice outlined); then the study chart of examples/studies/algorithm-table.yaml (lbsim study, lbsim
# plot); then api-gateway.yaml in presentation mode at 1024x768, the window on its topology.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
settings="$(mktemp -d)"
shots="$(mktemp -d)"
trap 'rm -rf "$settings" "$shots"' EXIT
# Two results folders of the same scenario with other algorithms, for compare.png and compare-charts.png.
for algorithm in round_robin power_of_two_choices; do
  "$build/cli/lbsim" run examples/quickstart-network.yaml --set "duration=60 s" \
    --set "balancer.algorithm=$algorithm" --out "$settings/$algorithm" > /dev/null
done
QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$settings" "$build/gui/lbsim-gui" \
  examples/quickstart-network.yaml "$settings/round_robin" "$settings/power_of_two_choices" \
  --set "duration=60 s" --steps 6 --screenshots docs/images
QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$settings" "$build/gui/lbsim-gui" \
  examples/teaching/least-connections.yaml --animate-at 5.3 --screenshots "$shots" >/dev/null
cp "$shots/animation.png" docs/images/animation.png
echo docs/images/animation.png
# The study chart (the Study tab's, drawn by lbsim plot): algorithm-table.yaml's p99 against the algorithm.
"$build/cli/lbsim" study examples/studies/algorithm-table.yaml --out "$settings/study" > /dev/null
QT_QPA_PLATFORM=offscreen "$build/cli/lbsim" plot "$settings/study" --out "$shots" > /dev/null
cp "$shots/study_latency_s.p99.png" docs/images/study.png
echo docs/images/study.png
QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$settings" "$build/gui/lbsim-gui" \
  examples/api-gateway.yaml --set "duration=20 s" --presentation --screenshots "$shots" >/dev/null
cp "$shots/presentation.png" docs/images/presentation.png
echo docs/images/presentation.png
