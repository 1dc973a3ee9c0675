// Monotone cubic (Fritsch–Carlson) curve through control points, sampled at the 256 8-bit inputs. The server
// renders with its own implementation (Core's ControlPointCurve); this one only draws the curve being edited.
"use strict";
window.HarmoniaCurves = {
  sample256(points) {
    const p = [...points].sort((a, b) => a[0] - b[0]);
    const n = p.length, x = p.map(q => q[0]), y = p.map(q => q[1]);
    const d = [], m = new Array(n);
    for (let i = 0; i < n - 1; i++) d.push((y[i + 1] - y[i]) / (x[i + 1] - x[i]));
    m[0] = d[0]; m[n - 1] = d[n - 2];
    for (let i = 1; i < n - 1; i++) m[i] = d[i - 1] * d[i] <= 0 ? 0 : (d[i - 1] + d[i]) / 2;
    for (let i = 0; i < n - 1; i++) {
      if (d[i] === 0) { m[i] = 0; m[i + 1] = 0; continue; }
      const a = m[i] / d[i], b = m[i + 1] / d[i], r = a * a + b * b;
      if (r > 9) { const s = 3 / Math.sqrt(r); m[i] = s * a * d[i]; m[i + 1] = s * b * d[i]; }
    }
    const out = new Array(256);
    let seg = 0;
    for (let v = 0; v < 256; v++) {
      const t = v / 255;
      if (t <= x[0]) { out[v] = y[0]; continue; }
      if (t >= x[n - 1]) { out[v] = y[n - 1]; continue; }
      while (t > x[seg + 1]) seg++;
      const h = x[seg + 1] - x[seg], s = (t - x[seg]) / h, s2 = s * s, s3 = s2 * s;
      const val = (2 * s3 - 3 * s2 + 1) * y[seg] + (s3 - 2 * s2 + s) * h * m[seg] + (-2 * s3 + 3 * s2) * y[seg + 1] + (s3 - s2) * h * m[seg + 1];
      out[v] = Math.min(1, Math.max(0, val));
    }
    return out;
  },
};
