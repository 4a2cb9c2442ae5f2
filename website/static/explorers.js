/* Live explorers: the episodes' threshold, adaptive and root-mass explorers, computed in the
 * page (no kernel, no network). Each <div class="live-explorer"> holds the still picture
 * (shown when scripts are off) and a JSON payload written by website/live_explorers.py: the
 * controls as the notebook has them and every pixel of the image (see pixels()). The
 * arithmetic mirrors helpers/widgets.py, helpers/thresholds.py, helpers/roots.py and the
 * scikit-image functions they call; each function below says which one. Plain JavaScript. */
"use strict";

(function () {
  const DISPLAY_SIZE = 500; // helpers.widgets.DISPLAY_SIZE: longest side of a shown image
  const GRAY = [140, 140, 140]; // the histogram's background bars (matplotlib "0.55")
  const SKY_BLUE = [0x56, 0xb4, 0xe9]; // Okabe-Ito, as helpers.plotting.OVERLAY_COLOUR
  const ORANGE = [0xe6, 0x9f, 0x00]; // Okabe-Ito orange: roots missed
  const VERMILLION = "#D55E00"; // helpers.plotting.THRESHOLD_COLOUR
  let counter = 0;

  // ---- data ------------------------------------------------------------------------------

  async function inflate(text) {
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /** The image's values (website/live_explorers.py): codes sent as residuals from a
   *  prediction by the pixels before them, 16-bit ones as high bytes then low bytes; whole
   *  numbers of 255ths (or whole numbers) exactly, as Python has them, else 16-bit steps from the least value to
   *  the largest (whole numbers again for a uint8 image). */
  async function pixels(data) {
    const bytes = await inflate(data.pixels);
    const [width, height] = [data.width, data.height];
    const size = width * height;
    const [codes, range] = data.bits === 8 ? [new Uint8Array(bytes.buffer, 0, size), 0xff] : [new Uint16Array(size), 0xffff];
    if (data.bits !== 8) for (let i = 0; i < size; i++) codes[i] = (bytes[i] << 8) | bytes[size + i];
    const predictor = data.predictor;
    for (let y = 0; y < height; y++) {
      for (let x = 0, i = y * width; x < width; x++, i++) {
        let predicted = 0;
        if (predictor === "left" || (predictor === "gradient" && y === 0)) predicted = x > 0 ? codes[i - 1] : 0;
        else if (predictor === "up" || (predictor === "gradient" && x === 0)) predicted = y > 0 ? codes[i - width] : 0;
        else if (predictor === "gradient") predicted = codes[i - 1] + codes[i - width] - codes[i - width - 1];
        codes[i] = (codes[i] + predicted) & range;
      }
    }
    const values = new Float64Array(size);
    if (data.bits === 8) {
      if (data.divisor) for (let i = 0; i < size; i++) values[i] = codes[i] / data.divisor;
      else for (let i = 0; i < size; i++) values[i] = codes[i] * data.scale;
      return values;
    }
    const scale = (data.high - data.low) / data.steps;
    for (let i = 0; i < size; i++) {
      const value = data.low + codes[i] * scale;
      values[i] = data.dtype === "uint8" ? Math.round(value) : value;
    }
    return values;
  }

  /** A mask packed by np.packbits (first pixel in the highest bit). */
  async function unpackMask(text, size) {
    const bytes = await inflate(text);
    const mask = new Uint8Array(size);
    for (let i = 0; i < size; i++) mask[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
    return mask;
  }

  // ---- computing -------------------------------------------------------------------------
  // Typed arrays and plain loops throughout, with buffers kept between updates: a slider
  // update on the 3008 x 2000 photograph walks 6 M pixels several times.

  const NO_CUT = Infinity; // every finite value is below it: the band is every pixel

  function minMax(values) {
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value < low) low = value;
      if (value > high) high = value;
    }
    return [low, high];
  }

  /** skimage.exposure.histogram(image, 256, source_range="image"): counts and bin centres,
   *  one bin per whole number for integer images, else np.histogram's 256 bins. */
  function skimageHistogram(values, integer) {
    const [low, high] = minMax(values);
    if (integer) {
      const counts = new Float64Array(high - low + 1);
      const centers = counts.map((_, i) => low + i);
      for (let i = 0; i < values.length; i++) counts[values[i] - low]++;
      return [counts, centers];
    }
    return equalBins(values, low, high, 256);
  }

  /** np.histogram(values, bins, range=(low, high)) of the values below ``cut``: counts and
   *  bin centres. */
  function equalBins(values, low, high, bins, cut = NO_CUT) {
    const counts = new Float64Array(bins);
    const centers = new Float64Array(bins);
    const scale = bins / (high - low);
    const last = bins - 1;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (!(value < cut) || value < low || value > high) continue;
      const bin = Math.floor((value - low) * scale);
      counts[bin < last ? bin : last]++;
    }
    for (let i = 0; i < bins; i++) centers[i] = low + ((i + 0.5) * (high - low)) / bins;
    return [counts, centers];
  }

  /** helpers.thresholds.between_class_variance, then its argmax (NaN skipped): Otsu. */
  function otsuOfHistogram(counts, centers) {
    let total = 0;
    let sum = 0;
    for (let i = 0; i < counts.length; i++) {
      total += counts[i];
      sum += counts[i] * centers[i];
    }
    let w0 = 0;
    let class0 = 0;
    let best = -1;
    let index = 0;
    for (let i = 0; i < counts.length - 1; i++) {
      w0 += counts[i] / total;
      class0 += (counts[i] * centers[i]) / total;
      const w1 = 1 - w0;
      const variance = w0 * w1 * (class0 / w0 - (sum / total - class0) / w1) ** 2;
      if (variance > best) [best, index] = [variance, i];
    }
    return centers[index];
  }

  /** ski.filters.threshold_li (float images: the means of the pixels themselves). */
  function thresholdLi(values, integer) {
    const [low] = minMax(values);
    const shifted = new Float64Array(values.length);
    let total = 0;
    for (let i = 0; i < values.length; i++) total += shifted[i] = values[i] - low;
    let tolerance = 0.5;
    if (!integer) {  // half the smallest gap between two distinct values
      const sorted = shifted.slice().sort();
      tolerance = Infinity;
      for (let i = 1; i < sorted.length; i++) {
        const gap = sorted[i] - sorted[i - 1];
        if (gap > 0 && gap < tolerance) tolerance = gap;
      }
      tolerance /= 2;
    }
    let next = total / shifted.length;
    let current = -2 * tolerance;
    while (Math.abs(next - current) > tolerance) {
      current = next;
      let [fore, nFore, back, nBack] = [0, 0, 0, 0];
      for (let i = 0; i < shifted.length; i++) {
        const value = shifted[i];
        if (value > current) {
          fore += value;
          nFore++;
        } else {
          back += value;
          nBack++;
        }
      }
      const [meanFore, meanBack] = [fore / nFore, back / nBack];
      if (meanBack === 0) break;
      next = (meanBack - meanFore) / (Math.log(meanBack) - Math.log(meanFore));
    }
    return next + low;
  }
  function thresholdYen(counts, centers) {
    const total = counts.reduce((a, b) => a + b, 0);
    const pmf = counts.map((count) => count / total);
    const n = pmf.length;
    const [p1, p1Sq, p2Sq] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    for (let i = 0, a = 0, b = 0; i < n; i++) [p1[i], p1Sq[i]] = [(a += pmf[i]), (b += pmf[i] ** 2)];
    for (let i = n - 1, c = 0; i >= 0; i--) p2Sq[i] = c += pmf[i] ** 2;
    let [best, index] = [-Infinity, 0];
    for (let i = 0; i < n - 1; i++) {
      const crit = Math.log((1 / (p1Sq[i] * p2Sq[i + 1])) * (p1[i] * (1 - p1[i])) ** 2);
      if (crit > best) [best, index] = [crit, i];
    }
    return centers[index];
  }

  /** ski.filters.threshold_triangle. */
  function thresholdTriangle(counts, centers) {
    const n = counts.length;
    let hist = Array.from(counts);
    let peak = hist.indexOf(Math.max(...hist));
    const nonzero = hist.flatMap((count, i) => (count > 0 ? [i] : []));
    let lowest = nonzero[0];
    const highest = nonzero[nonzero.length - 1];
    const flip = peak - lowest < highest - peak;
    if (flip) [hist, lowest, peak] = [hist.reverse(), n - highest - 1, n - peak - 1];
    const norm = Math.hypot(hist[peak], peak - lowest);
    const [height, width] = [hist[peak] / norm, (peak - lowest) / norm];
    let [best, level] = [-Infinity, lowest];
    for (let x = 0; x < peak - lowest; x++) {
      const length = height * x - width * hist[x + lowest];
      if (length > best) [best, level] = [length, x + lowest];
    }
    return centers[flip ? n - level - 1 : level];
  }

  /** The threshold explorer's methods (helpers.widgets.METHODS) on every pixel. */
  function method(name, values, integer) {
    if (name === "Li") return thresholdLi(values, integer);
    if (name === "mean") return values.reduce((a, b) => a + b, 0) / values.length;
    const [counts, centers] = skimageHistogram(values, integer);
    if (name === "Otsu") return otsuOfHistogram(counts, centers);
    if (name === "Yen") return thresholdYen(counts, centers);
    return thresholdTriangle(counts, centers);
  }


  /** cv2.getGaussianKernel(size, sigma): the fixed kernels for size <= 7 without a sigma. */
  function gaussianKernel(size, sigma) {
    const fixed = {1: [1], 3: [0.25, 0.5, 0.25], 5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
      7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125]};
    if (sigma <= 0 && fixed[size]) return Float64Array.from(fixed[size]);
    if (sigma <= 0) sigma = 0.3 * ((size - 1) * 0.5 - 1) + 0.8;
    const weights = Float64Array.from({length: size}, (_, i) => Math.exp(-((i - (size - 1) / 2) ** 2) / (2 * sigma * sigma)));
    const sum = weights.reduce((a, b) => a + b, 0);
    return weights.map((weight) => weight / sum);
  }

  /** A line of ``length`` values from ``source`` (``first``, then every ``stride``-th), with
   *  its ends repeated ``radius`` times on each side, into ``line``. */
  function padded(line, source, first, stride, length, radius) {
    for (let i = 0; i < radius; i++) line[i] = source[first];
    for (let i = 0, at = first; i < length; i++, at += stride) line[radius + i] = source[at];
    const end = source[first + (length - 1) * stride];
    for (let i = radius + length; i < line.length; i++) line[i] = end;
  }

  /** Correlate with ``kernel`` along rows, then columns, into ``out``; edge pixels repeated
   *  (cv2.sepFilter2D / cv2.GaussianBlur with BORDER_REPLICATE). Each sum runs over the
   *  kernel in order, in double precision, stored in ``across`` and ``out``'s type. */
  function separable(values, width, height, kernel, across, out) {
    const taps = kernel.length;
    const radius = (taps - 1) / 2;
    const line = new Float64Array(width + 2 * radius);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      padded(line, values, row, 1, width, radius);
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let k = 0; k < taps; k++) sum += kernel[k] * line[x + k];
        across[row + x] = sum;
      }
    }
    const sums = new Float64Array(width); // a row of sums, the kernel's rows added in order
    for (let y = 0; y < height; y++) {
      sums.fill(0);
      for (let k = 0; k < taps; k++) {
        const weight = kernel[k];
        const source = Math.min(height - 1, Math.max(0, y + k - radius)) * width;
        for (let x = 0; x < width; x++) sums[x] += weight * across[source + x];
      }
      out.set(sums, y * width);
    }
    return out;
  }

  /** A window's plain mean, by running sums (cv2.blur, BORDER_REPLICATE), into ``out``. */
  function boxMean(values, width, height, size, out) {
    const radius = (size - 1) / 2;
    const rows = new Float64Array(values.length);
    const line = new Float64Array(width + 2 * radius + 1);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      padded(line, values, row, 1, width, radius);
      let sum = 0;
      for (let i = 0; i < size; i++) sum += line[i];
      for (let x = 0; x < width; x++) {
        rows[row + x] = sum;
        sum += line[x + size] - line[x];
      }
    }
    // down the columns, a row at a time: each column's sum as the pass along a column makes it
    const sums = new Float64Array(width);
    const clamp = (y) => Math.min(height - 1, Math.max(0, y)) * width;
    for (let i = -radius; i <= radius; i++) {
      const source = clamp(i);
      for (let x = 0; x < width; x++) sums[x] += rows[source + x];
    }
    const area = size * size;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) out[row + x] = sums[x] / area;
      const [add, remove] = [clamp(y + radius + 1), clamp(y - radius)];
      for (let x = 0; x < width; x++) sums[x] += rows[add + x] - rows[remove + x];
    }
    return out;
  }

  /** helpers.widgets._decimals: the decimals that show every multiple of ``step``. */
  function decimals(step) {
    const text = step.toFixed(10).replace(/0+$/, "");
    return text.length - text.indexOf(".") - 1;
  }

  const percent = (part, whole) => ((100 * part) / whole).toFixed(1);

  // ---- showing ---------------------------------------------------------------------------

  /** helpers.widgets._downsample's blocks: ``factor`` x ``factor`` pixels per shown pixel,
   *  the longest side at most DISPLAY_SIZE; the shown pixel of each pixel (-1: cropped). */
  function blocks(width, height) {
    const factor = Math.ceil(Math.max(width, height) / DISPLAY_SIZE);
    const [w, h] = [Math.floor(width / factor), Math.floor(height / factor)];
    const column = new Int32Array(width).fill(-1);
    for (let x = 0; x < w * factor; x++) column[x] = Math.floor(x / factor);
    return {factor, width: w, height: h, column, area: factor * factor};
  }

  /** Block means (helpers.widgets._downsample). */
  function downsample(values, width, height) {
    const shown = blocks(width, height);
    const out = new Float64Array(shown.width * shown.height);
    for (let y = 0; y < shown.height * shown.factor; y++) {
      const [row, at] = [y * width, Math.floor(y / shown.factor) * shown.width];
      for (let x = 0; x < shown.width * shown.factor; x++) out[at + shown.column[x]] += values[row + x];
    }
    for (let i = 0; i < out.length; i++) out[i] /= shown.area;
    return {values: out, width: shown.width, height: shown.height};
  }

  /** A mask at display resolution (helpers.widgets._shown): a block is set where most of
   *  it is, from the count of its pixels that are set. */
  function majority(counts, area) {
    const shown = new Uint8Array(counts.length);
    for (let i = 0; i < counts.length; i++) shown[i] = 2 * counts[i] >= area ? 1 : 0;
    return shown;
  }

  /** Paint ``width`` x ``height`` pixels: ``write(rgba)`` fills the RGBA bytes, alpha set. */
  function paint(canvas, width, height, write) {
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const context = canvas.getContext("2d");
    const picture = context.createImageData(width, height);
    picture.data.fill(255);
    write(picture.data);
    context.putImageData(picture, 0, 0);
  }

  /** Gray levels of shown values, ``low`` black and ``high`` white. */
  function grayLevels(values, low, high) {
    const levels = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const level = Math.round((255 * (values[i] - low)) / (high - low));
      levels[i] = Math.min(255, Math.max(0, level));
    }
    return levels;
  }

  /** Paint one gray level (0-255) per pixel. */
  function paintGray(canvas, width, height, levels) {
    paint(canvas, width, height, (rgba) => {
      for (let i = 0, j = 0; i < levels.length; i++, j += 4) rgba[j] = rgba[j + 1] = rgba[j + 2] = levels[i];
    });
  }

  /** A histogram with the foreground's bars in sky blue and the threshold as a line. */
  function drawHistogram(canvas, counts, edges, t, brighter) {
    const [width, height, left, bottom] = [360, 220, 8, 28];
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.fillStyle = "white";
    context.fillRect(0, 0, width, height);
    const top = Math.max(...counts);
    const x = (value) => left + ((value - edges[0]) / (edges[edges.length - 1] - edges[0])) * (width - 2 * left);
    for (let i = 0; i < counts.length; i++) {
      const centre = (edges[i] + edges[i + 1]) / 2;
      context.fillStyle = `rgb(${(centre > t) === brighter ? SKY_BLUE : GRAY})`;
      const barHeight = (counts[i] / top) * (height - bottom - 6);
      context.fillRect(x(edges[i]), height - bottom - barHeight, x(edges[i + 1]) - x(edges[i]) + 0.5, barHeight);
    }
    context.fillStyle = "black";
    context.fillRect(left, height - bottom, width - 2 * left, 1);
    context.font = "12px sans-serif";
    context.textAlign = "center";
    for (const value of [edges[0], (edges[0] + edges[edges.length - 1]) / 2, edges[edges.length - 1]]) {
      context.fillText(String(Number(value.toPrecision(3))), Math.min(width - 20, Math.max(20, x(value))), height - 10);
    }
    context.strokeStyle = VERMILLION;
    context.lineWidth = 2.5;
    context.beginPath();
    context.moveTo(x(t), 0);
    context.lineTo(x(t), height - bottom);
    context.stroke();
  }

  // ---- controls --------------------------------------------------------------------------

  /** A labelled native control (range or select) for one of the notebook's controls. */
  function control(spec, parent) {
    const id = `live-explorer-control-${++counter}`;
    const row = document.createElement("div");
    row.className = "live-explorer-control";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = spec.description;
    let input;
    if (spec.options) {
      input = document.createElement("select");
      for (const [text, value] of spec.options) input.add(new Option(text, value));
    } else {
      input = document.createElement("input");
      input.type = "range";
      Object.assign(input, {min: spec.min, max: spec.max, step: spec.step});
    }
    input.id = id;
    input.value = spec.value;
    row.append(label, input);
    if (!spec.options) {
      const shown = document.createElement("output");
      shown.htmlFor = id;
      const digits = Number.isInteger(spec.step) ? 0 : decimals(spec.step);
      const update = () => (shown.textContent = Number(input.value).toFixed(digits));
      input.addEventListener("input", update);
      update();
      row.append(shown);
    }
    parent.append(row);
    return input;
  }

  function canvas(parent, label) {
    const element = document.createElement("canvas");
    element.setAttribute("role", "img");
    element.setAttribute("aria-label", label);
    parent.append(element);
    return element;
  }

  // ---- the three explorers ---------------------------------------------------------------

  /** helpers.widgets.threshold_explorer. */
  function thresholdExplorer(data, values, parts) {
    const [width, height, integer] = [data.width, data.height, data.dtype === "uint8"];
    const controls = data.controls;
    const [menu, direction, slider] = ["method", "foreground", "threshold"].map((name) => control(controls[name], parts.controls));
    const step = controls.threshold.step;
    let [low, high] = minMax(values);
    if (integer) [low, high] = [0, 255];
    else if (low >= 0 && high <= 1) [low, high] = [0, 1];
    const span = integer ? [-0.5, 255.5] : [low, high];
    const [counts] = equalBins(values, span[0], span[1], 256);
    const edges = Array.from({length: 257}, (_, i) => span[0] + (i * (span[1] - span[0])) / 256);
    const shown = downsample(values, width, height);
    const [image, histogram, mask] = [
      canvas(parts.figures, "the image"),
      canvas(parts.figures, "histogram of the pixel values, the foreground's bars in blue, the threshold as a red line"),
      canvas(parts.figures, "the mask"),
    ];
    paintGray(image, shown.width, shown.height, grayLevels(shown.values, low, high));
    const picture = new Uint8Array(shown.values.length);
    const methods = {};
    const methodValue = (name) => (methods[name] ??= method(name, values, integer));
    let t = controls.method.value === "manual" ? Number(controls.threshold.value) : methodValue(controls.method.value);
    const refresh = () => {
      const brighter = direction.value === ">";
      let found = 0;
      if (brighter) for (let i = 0; i < values.length; i++) found += values[i] > t ? 1 : 0;
      else for (let i = 0; i < values.length; i++) found += values[i] < t ? 1 : 0;
      for (let i = 0; i < picture.length; i++) {
        const value = shown.values[i];
        picture[i] = (brighter ? value > t : value < t) ? 255 : 0;
      }
      paintGray(mask, shown.width, shown.height, picture);
      mask.setAttribute("aria-label", `the mask: ${percent(found, values.length)} % foreground`);
      drawHistogram(histogram, counts, edges, t, brighter);
      const digits = decimals(step) + (Math.abs(t / step - Math.round(t / step)) > 1e-6 ? 1 : 0);
      parts.readout.textContent = `t = ${t.toFixed(digits)} (${menu.value}): mask = image ${direction.value} t covers ${percent(found, values.length)} % of the pixels`;
    };
    menu.addEventListener("change", () => {
      if (menu.value !== "manual") slider.value = t = methodValue(menu.value);
      else t = Number(slider.value);
      slider.dispatchEvent(new Event("input")); // the value shown beside it
      refresh();
    });
    direction.addEventListener("change", refresh);
    slider.addEventListener("input", (event) => {
      if (!event.isTrusted) return;
      t = Number(slider.value);
      if (menu.value !== "manual" && Math.abs(t - methodValue(menu.value)) > step / 2) menu.value = "manual";
      else if (menu.value !== "manual") t = methodValue(menu.value);
      refresh();
    });
    refresh();
  }

  /** Count a mask's pixels as it is made, and the set pixels of each shown block:
   *  ``isSet(i)`` for every pixel; returns the number set. */
  function countMask(width, height, shown, blockCounts, isSet) {
    blockCounts.fill(0);
    let found = 0;
    const rows = shown.height * shown.factor;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const at = y < rows ? Math.floor(y / shown.factor) * shown.width : -1;
      for (let x = 0; x < width; x++) {
        if (!isSet(row + x)) continue;
        found++;
        const column = shown.column[x];
        if (at >= 0 && column >= 0) blockCounts[at + column]++;
      }
    }
    return found;
  }

  /** Update as a slider is dragged, the latest value winning (helpers.widgets' explorers with
   *  ipywidgets: one update at a time, then the newest value): values that arrive while an
   *  update runs become one update in the next frame. A key press or a release ("change")
   *  updates at once; nothing is computed twice for the same values. */
  function latestWins(controls, refresh) {
    let shown = null;
    let queued = false;
    const now = () => {
      queued = false;
      const state = controls.map((input) => input.value).join(" ");
      if (state !== shown) {
        shown = state;
        refresh();
      }
    };
    for (const input of controls) {
      input.addEventListener("input", () => {
        if (!queued) {
          queued = true;
          requestAnimationFrame(now);
        }
      });
      input.addEventListener("change", now);
    }
    now();
  }

  /** helpers.widgets.adaptive_explorer. */
  function adaptiveExplorer(data, values, parts) {
    const [width, height, integer] = [data.width, data.height, data.dtype === "uint8"];
    const brighter = data.foreground === ">";
    const controls = data.controls;
    const [block, offset, kind] = ["block_size", "offset", "method"].map((name) => control(controls[name], parts.controls));
    const [counts, centers] = skimageHistogram(values, integer);
    const otsu = otsuOfHistogram(counts, centers);
    const shown = blocks(width, height);
    const blockCounts = new Int32Array(shown.width * shown.height);
    const globalFound = countMask(width, height, shown, blockCounts, brighter ? (i) => values[i] > otsu : (i) => values[i] < otsu);
    const globalPercent = percent(globalFound, values.length);
    let [low, high] = minMax(values);
    if (integer) [low, high] = [0, 255];
    else if (low >= 0 && high <= 1) [low, high] = [0, 1];
    const image = canvas(parts.figures, "the image");
    const globalCanvas = canvas(parts.figures, `the mask from Otsu's global threshold: ${globalPercent} %`);
    const local = canvas(parts.figures, "the mask from the local threshold");
    paintGray(image, shown.width, shown.height, grayLevels(downsample(values, width, height).values, low, high));
    const drawMask = (target) => paintGray(target, shown.width, shown.height, majority(blockCounts, shown.area).map((v) => 255 * v));
    drawMask(globalCanvas);
    // the local mean of the last block size and kind, kept while only the offset moves
    const [across, mean] = [new Float64Array(values.length), new Float64Array(values.length)];
    let meanOf = "";
    const refresh = () => {
      const [size, shift] = [Number(block.value), Number(offset.value)];
      if (meanOf !== `${kind.value} ${size}`) {
        if (kind.value === "mean") boxMean(values, width, height, size, mean);
        else separable(values, width, height, gaussianKernel(size, 0), across, mean);
        meanOf = `${kind.value} ${size}`;
      }
      // helpers.thresholds.local_threshold: the window's mean minus the offset (for uint8,
      // the mean rounded and the offset rounded up, as OpenCV)
      const isSet = integer
        ? (brighter ? (i) => values[i] > Math.round(mean[i]) - Math.ceil(shift) : (i) => values[i] < Math.round(mean[i]) - Math.ceil(shift))
        : (brighter ? (i) => values[i] > mean[i] - shift : (i) => values[i] < mean[i] - shift);
      const found = percent(countMask(width, height, shown, blockCounts, isSet), values.length);
      drawMask(local);
      local.setAttribute("aria-label", `the mask from the local threshold (block ${size}): ${found} %`);
      parts.readout.textContent = `mask = image ${data.foreground} local ${kind.value} of a ${size} x ${size} window minus ${shift.toFixed(decimals(controls.offset.step))}: ${found} % of the pixels (global Otsu: ${globalPercent} %)`;
    };
    latestWins([block, offset, kind], refresh);
  }

  /** helpers.widgets.root_mass_explorer, with helpers.roots.root_mask: blur, leave out the
   *  bright band, Otsu of the rest, mask. The blurred photograph is kept while only the
   *  cut-off moves. */
  async function rootMassExplorer(data, values, parts) {
    const [width, height, size] = [data.width, data.height, values.length];
    const truth = data.truth ? await unpackMask(data.truth, size) : null;
    const gray = Float32Array.from(values); // root_mask computes in float32
    const [sigma, cut] = ["sigma", "exclude_above"].map((name) => control(data.controls[name], parts.controls));
    const shown = blocks(width, height);
    const photo = grayLevels(downsample(values, width, height).values, 0, 1);
    const blockCounts = new Int32Array(shown.width * shown.height);
    let truthCount = 0;
    let shownTruth = null;
    if (truth) {
      truthCount = countMask(width, height, shown, blockCounts, (i) => truth[i] === 1);
      shownTruth = majority(blockCounts, shown.area);
    }
    const found = canvas(parts.figures, "the photograph with the roots found in blue");
    const comparison = canvas(parts.figures, truth ? "roots found in white, missed in orange, wrongly added in blue" : "the mask");
    const colours = truth ? [[0, 0, 0], ORANGE, SKY_BLUE, [255, 255, 255]] : [[0, 0, 0], [255, 255, 255]];
    const [across, blurred] = [new Float32Array(size), new Float32Array(size)];
    let blurredWith = null; // the sigma of ``blurred``
    const blur = (sd) => {
      const taps = 2 * Math.floor(4 * sd + 0.5) + 1; // as ski.filters.gaussian; 1: no blur
      if (taps === 1) blurred.set(gray);
      else separable(gray, width, height, gaussianKernel(taps, sd), across, blurred);
      blurredWith = sd;
    };
    const refresh = () => {
      try {
        const sd = Number(sigma.value);
        const limit = Number(cut.value) >= 1 ? NO_CUT : Number(cut.value);
        if (blurredWith !== sd) blur(sd);
        let [low, high] = [Infinity, -Infinity]; // of the band, blurred < limit
        for (let i = 0; i < size; i++) {
          const value = blurred[i];
          if (!(value < limit)) continue;
          if (value < low) low = value;
          if (value > high) high = value;
        }
        if (!(high > low) || high - low <= 8 * 1.1920929e-7 * Math.abs(high)) {
          throw new Error("The blurred image is constant, so there are no roots to separate from the background.");
        }
        const threshold = otsuOfHistogram(...equalBins(blurred, low, high, 256, limit));
        let both = 0; // pixels in the mask and the truth
        const isSet = (i) => {
          const value = blurred[i];
          return value > threshold && value < limit;
        };
        const count = countMask(width, height, shown, blockCounts, truth ? (i) => {
          if (!isSet(i)) return false;
          both += truth[i];
          return true;
        } : isSet);
        const mask = majority(blockCounts, shown.area);
        paint(found, shown.width, shown.height, (rgba) => {
          for (let i = 0, j = 0; i < mask.length; i++, j += 4) {
            const level = photo[i];
            if (mask[i]) for (let c = 0; c < 3; c++) rgba[j + c] = Math.round(level * 0.5 + SKY_BLUE[c] * 0.5);
            else rgba[j] = rgba[j + 1] = rgba[j + 2] = level;
          }
        });
        paint(comparison, shown.width, shown.height, (rgba) => {
          for (let i = 0, j = 0; i < mask.length; i++, j += 4) rgba.set(colours[(shownTruth ? shownTruth[i] : 0) + (truth ? 2 : 1) * mask[i]], j);
        });
        let text = `root fraction ${percent(count, size)} % (Otsu t = ${threshold.toFixed(3)})`;
        if (truth) {
          const sizes = count + truthCount; // helpers.widgets._dice; 1 if both are empty
          const dice = sizes ? (2 * both) / sizes : 1;
          text += ` · truth ${percent(truthCount, size)} % · Dice ${dice.toFixed(3)}`;
        }
        parts.readout.textContent = text;
      } catch (error) {
        parts.readout.textContent = `Could not update: ${error.message}`;
      }
    };
    latestWins([sigma, cut], refresh);
  }

  const BUILDERS = {threshold: thresholdExplorer, adaptive: adaptiveExplorer, "root mass": rootMassExplorer};

  async function build(element) {
    const data = JSON.parse(element.querySelector("script.live-explorer-data").textContent);
    const still = element.querySelector("img.live-explorer-still");
    const values = await pixels(data);
    const live = document.createElement("div");
    live.className = "live-explorer-live";
    live.setAttribute("role", "group");
    const description = document.createElement("p");
    description.className = "live-explorer-description";
    description.id = `live-explorer-description-${++counter}`;
    description.textContent = still ? still.alt : "";
    live.setAttribute("aria-label", `live ${data.kind} explorer`);
    live.setAttribute("aria-describedby", description.id);
    const parts = {controls: document.createElement("div"), figures: document.createElement("div"), readout: document.createElement("p")};
    parts.controls.className = "live-explorer-controls";
    parts.figures.className = "live-explorer-figures";
    parts.readout.className = "live-explorer-readout";
    parts.readout.setAttribute("aria-live", "polite");
    live.append(description, parts.controls, parts.readout, parts.figures);
    element.append(live);
    await BUILDERS[data.kind](data, values, parts);
    if (still) still.hidden = true;
    element.classList.add("live-explorer-ready");
  }

  function start() {
    for (const element of document.querySelectorAll("div.live-explorer")) {
      build(element).catch((error) => {
        element.dataset.error = String(error); // the still picture stays
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
