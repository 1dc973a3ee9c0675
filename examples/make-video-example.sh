#!/usr/bin/env bash
# Makes a short video example from the project's own example composite (dog_stream_*, see CREDITS.md) and harmonizes
# it: a 4-second slow zoom over the composite and, with the same motion, over its mask (a mask video), plus a 440 Hz
# tone as the soundtrack; then `harmonia harmonize-video` and a side-by-side (composite | harmonized) clip.
# Usage: examples/make-video-example.sh [OUT_DIR]   (default /tmp/harmonia-video-example; needs ffmpeg)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-/tmp/harmonia-video-example}"
mkdir -p "$out"
command -v ffmpeg >/dev/null || { echo "needs ffmpeg: apt-get install ffmpeg" >&2; exit 1; }

# Same zoom for the composite and the mask: 100 frames at 25 fps, 640x426 (the photo's 3:2 aspect), zooming in 15 %.
zoom="zoompan=z='1+0.15*on/100':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=100:s=640x426:fps=25"
ffmpeg -v error -y -i "$here/dog_stream_composite.jpg" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=4" \
  -filter_complex "[0:v]$zoom,format=yuv420p[v]" -map "[v]" -map 1:a -c:v libx264 -crf 18 -c:a aac -shortest "$out/dog_zoom.mp4"
ffmpeg -v error -y -i "$here/dog_stream_mask.png" -vf "format=gray,$zoom,format=gray" -c:v ffv1 "$out/dog_zoom_mask.mkv"

dotnet run --project "$here/../src/Harmonia.Cli" -c Release -- \
  harmonize-video "$out/dog_zoom.mp4" --mask "$out/dog_zoom_mask.mkv" -o "$out/dog_zoom_harmonized.mp4"
ffmpeg -v error -y -i "$out/dog_zoom.mp4" -i "$out/dog_zoom_harmonized.mp4" \
  -filter_complex "[0:v][1:v]hstack[v]" -map "[v]" -map 0:a -c:v libx264 -crf 20 -c:a copy "$out/dog_zoom_side_by_side.mp4"
echo "wrote $out/dog_zoom_harmonized.mp4 and $out/dog_zoom_side_by_side.mp4"
