/* Live explorers: the episodes' threshold, adaptive and root-mass explorers, computed in the
 * page (no kernel, no network). Each <div class="live-explorer"> holds the still picture
 * (shown when scripts are off) and a JSON payload written by website/live_explorers.py: the
 * controls as the notebook has them and every pixel of the image, 16-bit, zlib, base64. The
 * arithmetic mirrors helpers/widgets.py, helpers/thresholds.py, helpers/roots.py and the
 * scikit-image functions they call; each function below says which one. Plain JavaScript. */
"use strict";

(function () {
  const DISPLAY_SIZE = 500; // helpers.widgets.DISPLAY_SIZE: longest side of a shown image
  const LARGE_IMAGE = 1000000; // helpers.widgets.LARGE_IMAGE: larger updates on release only
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

  /** The image's values from its 16-bit steps; whole numbers again for a uint8 image. */
  async function pixels(data) {
    const bytes = await inflate(data.pixels);
    const steps = new DataView(bytes.buffer);
    const scale = (data.high - data.low) / data.steps;
    const values = new Float64Array(data.width * data.height);
    for (let i = 0; i < values.length; i++) {
      const value = data.low + steps.getUint16(2 * i, true) * scale;
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

  function minMax(values, inside) {
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < values.length; i++) {
      if (inside && !inside[i]) continue;
      if (values[i] < low) low = values[i];
      if (values[i] > high) high = values[i];
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
      for (const value of values) counts[value - low]++;
      return [counts, centers];
    }
    return equalBins(values, low, high, 256);
  }

  /** np.histogram(values, bins, range=(low, high)): counts and bin centres. */
  function equalBins(values, low, high, bins, inside) {
    const counts = new Float64Array(bins);
    const centers = new Float64Array(bins);
    const scale = bins / (high - low);
    for (let i = 0; i < values.length; i++) {
      if ((inside && !inside[i]) || values[i] < low || values[i] > high) continue;
      counts[Math.min(bins - 1, Math.floor((values[i] - low) * scale))]++;
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
    const shifted = values.map((value) => value - low);
    let tolerance = 0.5;
    if (!integer) {
      const unique = Float64Array.from(new Set(shifted)).sort();
      tolerance = Infinity;
      for (let i = 1; i < unique.length; i++) tolerance = Math.min(tolerance, unique[i] - unique[i - 1]);
      tolerance /= 2;
    }
    let next = shifted.reduce((a, b) => a + b, 0) / shifted.length;
    let current = -2 * tolerance;
    while (Math.abs(next - current) > tolerance) {
      current = next;
      let [fore, nFore, back, nBack] = [0, 0, 0, 0];
      for (const value of shifted) {
        if (value > current) [fore, nFore] = [fore + value, nFore + 1];
        else [back, nBack] = [back + value, nBack + 1];
      }
      const [meanFore, meanBack] = [fore / nFore, back / nBack];
      if (meanBack === 0) break;
      next = (meanBack - meanFore) / (Math.log(meanBack) - Math.log(meanFore));
    }
    return next + low;
  }

  /** ski.filters.threshold_yen (float32 sums, as scikit-image). */
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
    if (sigma <= 0 && fixed[size]) return fixed[size];
    if (sigma <= 0) sigma = 0.3 * ((size - 1) * 0.5 - 1) + 0.8;
    const weights = Array.from({length: size}, (_, i) => Math.exp(-((i - (size - 1) / 2) ** 2) / (2 * sigma * sigma)));
    const sum = weights.reduce((a, b) => a + b, 0);
    return weights.map((weight) => weight / sum);
  }

  /** Correlate with ``kernel`` along rows, then columns; edge pixels repeated
   *  (cv2.sepFilter2D / cv2.GaussianBlur with BORDER_REPLICATE; cv2.blur with equal weights). */
  function separable(values, width, height, kernel, Type) {
    const radius = (kernel.length - 1) / 2;
    const across = new Type(values.length);
    const out = new Type(values.length);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * values[row + Math.min(width - 1, Math.max(0, x + k))];
        across[row + x] = sum;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * across[Math.min(height - 1, Math.max(0, y + k)) * width + x];
        out[y * width + x] = sum;
      }
    }
    return out;
  }

  /** A window's plain mean, by running sums (cv2.blur, BORDER_REPLICATE). */
  function boxMean(values, width, height, size) {
    const radius = (size - 1) / 2;
    const pass = (source, length, count, index) => {
      const out = new Float64Array(source.length);
      for (let line = 0; line < count; line++) {
        const at = (i) => source[index(line, Math.min(length - 1, Math.max(0, i)))];
        let sum = 0;
        for (let i = -radius; i <= radius; i++) sum += at(i);
        for (let i = 0; i < length; i++) {
          out[index(line, i)] = sum;
          sum += at(i + radius + 1) - at(i - radius);
        }
      }
      return out;
    };
    const rows = pass(values, width, height, (y, x) => y * width + x);
    const sums = pass(rows, height, width, (x, y) => y * width + x);
    return sums.map((sum) => sum / (size * size));
  }

  /** helpers.thresholds.local_threshold: the window's mean minus the offset (for uint8,
   *  the mean rounded and the offset rounded up, as OpenCV). */
  function localThreshold(values, width, height, size, offset, kind, integer) {
    const mean = kind === "mean" ? boxMean(values, width, height, size)
      : separable(values, width, height, gaussianKernel(size, 0), Float64Array);
    return mean.map((m) => (integer ? Math.round(m) - Math.ceil(offset) : m - offset));
  }

  /** helpers.roots.root_mask: blur, leave out the bright band, Otsu of the rest, mask. */
  function rootMask(values, width, height, sigma, cut) {
    const size = 2 * Math.floor(4 * sigma + 0.5) + 1;
    const blurred = size === 1 ? Float32Array.from(values)
      : separable(values, width, height, gaussianKernel(size, sigma), Float32Array);
    const band = blurred.map((value) => (cut === null || value < cut ? 1 : 0));
    const [low, high] = minMax(blurred, band);
    if (!(high > low) || high - low <= 8 * 1.1920929e-7 * Math.abs(high)) {
      throw new Error("The blurred image is constant, so there are no roots to separate from the background.");
    }
    const [counts, centers] = equalBins(blurred, low, high, 256, band);
    const threshold = otsuOfHistogram(counts, centers);
    return [blurred.map((value, i) => (value > threshold && band[i] ? 1 : 0)), threshold];
  }

  function count(mask) {
    let n = 0;
    for (const value of mask) n += value ? 1 : 0;
    return n;
  }

  /** helpers.widgets._dice: 2 |mask & truth| / (|mask| + |truth|); 1 if both are empty. */
  function dice(mask, truth) {
    let both = 0;
    for (let i = 0; i < mask.length; i++) both += mask[i] && truth[i] ? 1 : 0;
    const sizes = count(mask) + count(truth);
    return sizes ? (2 * both) / sizes : 1;
  }

  /** helpers.widgets._decimals: the decimals that show every multiple of ``step``. */
  function decimals(step) {
    const text = step.toFixed(10).replace(/0+$/, "");
    return text.length - text.indexOf(".") - 1;
  }

  const percent = (part, whole) => ((100 * part) / whole).toFixed(1);

  // ---- showing ---------------------------------------------------------------------------

  /** helpers.widgets._downsample: block means, the longest side at most DISPLAY_SIZE. */
  function downsample(values, width, height) {
    const factor = Math.ceil(Math.max(width, height) / DISPLAY_SIZE);
    const [w, h] = [Math.floor(width / factor), Math.floor(height / factor)];
    const out = new Float64Array(w * h);
    for (let y = 0; y < h * factor; y++) {
      for (let x = 0; x < w * factor; x++) out[Math.floor(y / factor) * w + Math.floor(x / factor)] += values[y * width + x];
    }
    return {values: out.map((sum) => sum / (factor * factor)), width: w, height: h};
  }

  function paint(canvas, width, height, colour) {
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    const picture = context.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const [r, g, b] = colour(i);
      picture.data.set([r, g, b, 255], 4 * i);
    }
    context.putImageData(picture, 0, 0);
  }

  function grayLevel(value, low, high) {
    const level = Math.round((255 * (value - low)) / (high - low));
    return Math.min(255, Math.max(0, level));
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

  /** A mask at display resolution (helpers.widgets._shown): a block is set where most of it is. */
  function shownMask(mask, width, height) {
    return downsample(mask, width, height).values.map((v) => (v >= 0.5 ? 1 : 0));
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
    paint(image, shown.width, shown.height, (i) => Array(3).fill(grayLevel(shown.values[i], low, high)));
    const methods = {};
    const methodValue = (name) => (methods[name] ??= method(name, values, integer));
    let t = controls.method.value === "manual" ? Number(controls.threshold.value) : methodValue(controls.method.value);
    const refresh = () => {
      const brighter = direction.value === ">";
      let found = 0;
      for (const value of values) found += (brighter ? value > t : value < t) ? 1 : 0;
      const picture = shown.values.map((value) => (brighter ? value > t : value < t) ? 255 : 0);
      paint(mask, shown.width, shown.height, (i) => [picture[i], picture[i], picture[i]]);
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

  /** helpers.widgets.adaptive_explorer. */
  function adaptiveExplorer(data, values, parts) {
    const [width, height, integer] = [data.width, data.height, data.dtype === "uint8"];
    const brighter = data.foreground === ">";
    const controls = data.controls;
    const event = values.length <= LARGE_IMAGE ? "input" : "change";
    const [block, offset, kind] = ["block_size", "offset", "method"].map((name) => control(controls[name], parts.controls));
    const [counts, centers] = skimageHistogram(values, integer);
    const otsu = otsuOfHistogram(counts, centers);
    const masked = (threshold) => values.map((value, i) => {
      const t = typeof threshold === "number" ? threshold : threshold[i];
      return (brighter ? value > t : value < t) ? 1 : 0;
    });
    const global = masked(otsu);
    const globalPercent = percent(count(global), values.length);
    const shown = downsample(values, width, height);
    let [low, high] = minMax(values);
    if (integer) [low, high] = [0, 255];
    else if (low >= 0 && high <= 1) [low, high] = [0, 1];
    const image = canvas(parts.figures, "the image");
    const globalCanvas = canvas(parts.figures, `the mask from Otsu's global threshold: ${globalPercent} %`);
    const local = canvas(parts.figures, "the mask from the local threshold");
    paint(image, shown.width, shown.height, (i) => Array(3).fill(grayLevel(shown.values[i], low, high)));
    const drawMask = (target, mask) => {
      const picture = shownMask(mask, width, height);
      paint(target, shown.width, shown.height, (i) => Array(3).fill(255 * picture[i]));
    };
    drawMask(globalCanvas, global);
    const refresh = () => {
      const [size, shift] = [Number(block.value), Number(offset.value)];
      const mask = masked(localThreshold(values, width, height, size, shift, kind.value, integer));
      drawMask(local, mask);
      const found = percent(count(mask), values.length);
      local.setAttribute("aria-label", `the mask from the local threshold (block ${size}): ${found} %`);
      parts.readout.textContent = `mask = image ${data.foreground} local ${kind.value} of a ${size} x ${size} window minus ${shift.toFixed(decimals(controls.offset.step))}: ${found} % of the pixels (global Otsu: ${globalPercent} %)`;
    };
    for (const input of [block, offset]) input.addEventListener(event, refresh);
    kind.addEventListener("change", refresh);
    refresh();
  }

  /** helpers.widgets.root_mass_explorer. */
  async function rootMassExplorer(data, values, parts) {
    const [width, height] = [data.width, data.height];
    const truth = data.truth ? await unpackMask(data.truth, values.length) : null;
    const gray = Float32Array.from(values); // root_mask computes in float32
    const event = values.length <= LARGE_IMAGE ? "input" : "change";
    const [sigma, cut] = ["sigma", "exclude_above"].map((name) => control(data.controls[name], parts.controls));
    const photo = downsample(values, width, height);
    const shownTruth = truth ? shownMask(truth, width, height) : null;
    const found = canvas(parts.figures, "the photograph with the roots found in blue");
    const comparison = canvas(parts.figures, truth ? "roots found in white, missed in orange, wrongly added in blue" : "the mask");
    const colours = truth ? [[0, 0, 0], ORANGE, SKY_BLUE, [255, 255, 255]] : [[0, 0, 0], [255, 255, 255]];
    const refresh = () => {
      try {
        const limit = Number(cut.value) >= 1 ? null : Number(cut.value);
        const [mask, threshold] = rootMask(gray, width, height, Number(sigma.value), limit);
        const shown = shownMask(mask, width, height);
        paint(found, photo.width, photo.height, (i) => {
          const level = grayLevel(photo.values[i], 0, 1);
          return SKY_BLUE.map((c) => Math.round(level * (1 - 0.5 * shown[i]) + c * 0.5 * shown[i]));
        });
        paint(comparison, photo.width, photo.height, (i) => colours[(shownTruth ? shownTruth[i] : 0) + (truth ? 2 : 1) * shown[i]]);
        let text = `root fraction ${percent(count(mask), mask.length)} % (Otsu t = ${threshold.toFixed(3)})`;
        if (truth) text += ` · truth ${percent(count(truth), truth.length)} % · Dice ${dice(mask, truth).toFixed(3)}`;
        parts.readout.textContent = text;
      } catch (error) {
        parts.readout.textContent = `Could not update: ${error.message}`;
      }
    };
    for (const input of [sigma, cut]) input.addEventListener(event, refresh);
    refresh();
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
