/* Live explorers: the episodes' threshold, adaptive and root-mass explorers, run in the page
 * (no kernel, no network). Each <div class="live-explorer"> holds the still picture (shown
 * when scripts are off) and a JSON payload written by website/live_explorers.py: the
 * controls as the notebook has them, the pixels the page needs, and exact counts computed on
 * every pixel while the site was built. The arithmetic mirrors helpers/widgets.py,
 * ski.filters.threshold_local (scipy.ndimage's filters) and helpers/roots.py; each function
 * below says which. Plain JavaScript. Each built explorer's element has ``liveExplorer``
 * ({mask(), histogram()}), what the page shows as numbers, for the tests. */
"use strict";

(function () {
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

  /** Little-endian float32 values (live_explorers: ``shown``). */
  const floats = async (text) => new Float32Array((await inflate(text)).buffer);

  /** Undo live_explorers._residuals: each code plus its prediction by the codes before it. */
  function unpredict(codes, width, height, predictor, range) {
    for (let y = 0; y < height; y++) {
      for (let x = 0, i = y * width; x < width; x++, i++) {
        let predicted = 0;
        if (predictor === "left" || (predictor === "gradient" && y === 0)) predicted = x > 0 ? codes[i - 1] : 0;
        else if (predictor === "up" || (predictor === "gradient" && x === 0)) predicted = y > 0 ? codes[i - width] : 0;
        else if (predictor === "gradient") predicted = codes[i - 1] + codes[i - width] - codes[i - width - 1];
        codes[i] = (codes[i] + predicted) & range;
      }
    }
  }

  /** Every pixel (live_explorers.pixels): whole numbers of 255ths (or whole numbers)
   *  exactly, as Python has them, else 16-bit steps from the least value to the largest. */
  async function pixels(data) {
    const bytes = await inflate(data.pixels);
    const size = data.width * data.height;
    const [codes, range] = data.bits === 8 ? [new Uint8Array(bytes.buffer, 0, size), 0xff] : [new Uint16Array(size), 0xffff];
    if (data.bits !== 8) for (let i = 0; i < size; i++) codes[i] = (bytes[i] << 8) | bytes[size + i];
    unpredict(codes, data.width, data.height, data.predictor, range);
    const values = new Float64Array(size);
    if (data.bits === 8) {
      for (let i = 0; i < size; i++) values[i] = data.divisor ? codes[i] / data.divisor : codes[i] * data.scale;
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

  /** The index of a slider's value among its steps (live_explorers.slider_values). */
  const stepIndex = (spec, value) => Math.round((value - spec.min) / spec.step);

  // ---- the adaptive explorer's computing ---------------------------------------------------
  // Typed arrays and plain loops, with buffers kept between updates.

  /** NumPy's sum of ``count`` values from ``first``: pairwise, in blocks of up to 128 added
   *  in eight interleaved partial sums (the weights below are divided by the same sum). */
  function pairwiseSum(values, first, count) {
    if (count < 8) {
      let sum = -0;
      for (let i = first; i < first + count; i++) sum += values[i];
      return sum;
    }
    if (count <= 128) {
      const partial = values.slice(first, first + 8);
      let i = 8;
      for (; i < count - (count % 8); i += 8) for (let j = 0; j < 8; j++) partial[j] += values[first + i + j];
      let sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + ((partial[4] + partial[5]) + (partial[6] + partial[7]));
      for (; i < count; i++) sum += values[first + i];
      return sum;
    }
    const half = Math.floor(count / 2) - (Math.floor(count / 2) % 8);
    return pairwiseSum(values, first, half) + pairwiseSum(values, first + half, count - half);
  }

  /** ski.filters.threshold_local's Gaussian weights for a block of ``size``: sigma
   *  (size - 1) / 6, cut at int(4 sigma + 0.5) on each side (scipy.ndimage.gaussian_filter's
   *  truncate=4.0), exp(-x^2 / (2 sigma^2)) divided by their sum (Math.exp and NumPy's exp
   *  can differ in the last bit: the Gaussian means agree to a few units in the last place). */
  function gaussianKernel(size) {
    const sigma = (size - 1) / 6;
    const radius = Math.trunc(4 * sigma + 0.5);
    const scale = -0.5 / (sigma * sigma);
    const weights = Float64Array.from({length: 2 * radius + 1}, (_, i) => Math.exp(scale * (i - radius) ** 2));
    const sum = pairwiseSum(weights, 0, weights.length);
    return weights.map((weight) => weight / sum);
  }

  /** scipy.ndimage's "reflect" border (d c b a | a b c d | d c b a), repeated for a window
   *  longer than the line: the index, from 0 to ``length - 1``, that index ``i`` reads. */
  function reflect(i, length) {
    const period = 2 * length;
    const at = ((i % period) + period) % period;
    return at < length ? at : period - 1 - at;
  }

  /** A line of ``length`` values from ``source`` (``first``, then every ``stride``-th), with
   *  ``radius`` more at each end, the line reflected, into ``line``. */
  function padded(line, source, first, stride, length, radius) {
    for (let i = -radius; i < 0; i++) line[radius + i] = source[first + reflect(i, length) * stride];
    for (let i = 0, at = first; i < length; i++, at += stride) line[radius + i] = source[at];
    for (let i = length; i < length + radius; i++) line[radius + i] = source[first + reflect(i, length) * stride];
  }

  /** Where row ``y`` of the image reflected (any ``y``, above or below it) starts. */
  const rowStart = (height, width) => (y) => reflect(y, height) * width;

  /** scipy.ndimage.gaussian_filter with ``kernel``, "reflect" border: down the columns,
   *  then along the rows, each sum as scipy's for a symmetric kernel (the centre, then the
   *  pairs from the outside in), into ``out``. */
  function separable(values, width, height, kernel, across, out) {
    const radius = (kernel.length - 1) / 2;
    const centre = kernel[radius];
    const rowAt = rowStart(height, width);
    const sums = new Float64Array(width);
    for (let y = 0; y < height; y++) {
      const middle = y * width;
      for (let x = 0; x < width; x++) sums[x] = values[middle + x] * centre;
      for (let k = -radius; k < 0; k++) {
        const [above, below, weight] = [rowAt(y + k), rowAt(y - k), kernel[radius + k]];
        for (let x = 0; x < width; x++) sums[x] += (values[above + x] + values[below + x]) * weight;
      }
      across.set(sums, middle);
    }
    const line = new Float64Array(width + 2 * radius);
    for (let y = 0; y < height; y++) {
      padded(line, across, y * width, 1, width, radius);
      for (let x = 0, i = y * width; x < width; x++, i++) {
        let sum = line[x + radius] * centre;
        for (let k = -radius; k < 0; k++) sum += (line[x + radius + k] + line[x + radius - k]) * kernel[radius + k];
        out[i] = sum;
      }
    }
    return out;
  }

  /** scipy.ndimage.uniform_filter (ski.filters.threshold_local's "mean"), "reflect" border:
   *  down the columns, then along the rows, each a running sum divided by ``size`` as scipy
   *  computes it, into ``out``. */
  function boxMean(values, width, height, size, out) {
    const radius = (size - 1) / 2;
    const rowAt = rowStart(height, width);
    const down = new Float64Array(values.length);
    const sums = new Float64Array(width); // a running sum for each column
    for (let k = -radius; k <= radius; k++) {
      for (let x = 0, at = rowAt(k); x < width; x++) sums[x] += values[at + x];
    }
    for (let y = 0; y < height; y++) {
      if (y > 0) {
        const [add, remove] = [rowAt(y + radius), rowAt(y - radius - 1)];
        for (let x = 0; x < width; x++) sums[x] += values[add + x] - values[remove + x];
      }
      for (let x = 0; x < width; x++) down[y * width + x] = sums[x] / size;
    }
    const line = new Float64Array(width + 2 * radius);
    for (let y = 0; y < height; y++) {
      padded(line, down, y * width, 1, width, radius);
      let sum = 0;
      for (let i = 0; i < size; i++) sum += line[i];
      for (let x = 0; x < width; x++) {
        if (x > 0) sum += line[x - 1 + size] - line[x - 1];
        out[y * width + x] = sum / size;
      }
    }
    return out;
  }

  /** helpers.widgets._downsample's blocks: ``factor`` x ``factor`` pixels per shown pixel;
   *  the shown column of each column (-1: cropped). */
  function blocks(factor, width, shownWidth, shownHeight) {
    const column = new Int32Array(width).fill(-1);
    for (let x = 0; x < shownWidth * factor; x++) column[x] = Math.floor(x / factor);
    return {factor, width: shownWidth, height: shownHeight, column, area: factor * factor};
  }

  /** Count a mask's pixels as it is made, and the set pixels of each shown block:
   *  ``isSet(i)`` for every pixel; returns the number set. */
  function countMask(width, height, shown, blockCounts, isSet) {
    blockCounts.fill(0);
    let found = 0;
    const rows = shown.height * shown.factor;
    for (let y = 0; y < height; y++) {
      const at = y < rows ? Math.floor(y / shown.factor) * shown.width : -1;
      for (let x = 0, i = y * width; x < width; x++, i++) {
        if (!isSet(i)) continue;
        found++;
        if (at >= 0 && shown.column[x] >= 0) blockCounts[at + shown.column[x]]++;
      }
    }
    return found;
  }

  /** A mask at display resolution (helpers.widgets._shown): a block is set where most of
   *  it is, as 0 or 255. */
  const majority = (counts, area) => Uint8Array.from(counts, (count) => (2 * count >= area ? 255 : 0));

  /** helpers.widgets._decimals: the decimals that show every multiple of ``step``. */
  function decimals(step) {
    const text = step.toFixed(10).replace(/0+$/, "");
    return text.length - text.indexOf(".") - 1;
  }

  /** ``100 * (part / whole)`` (a fraction, then a percentage) and ``100 * part / whole``,
   *  one decimal, as the notebook computes each. */
  const percentOfFraction = (part, whole) => (100 * (part / whole)).toFixed(1);
  const percent = (part, whole) => ((100 * part) / whole).toFixed(1);

  // ---- showing ---------------------------------------------------------------------------

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
    for (let i = 0; i < values.length; i++) levels[i] = Math.min(255, Math.max(0, Math.round((255 * (values[i] - low)) / (high - low))));
    return levels;
  }

  /** Paint one gray level (0-255) per pixel. */
  function paintGray(canvas, width, height, levels) {
    paint(canvas, width, height, (rgba) => {
      for (let i = 0, j = 0; i < levels.length; i++, j += 4) rgba[j] = rgba[j + 1] = rgba[j + 2] = levels[i];
    });
  }

  /** A histogram with the foreground's bars in sky blue and the threshold as a line. */
  function drawHistogram(canvas, counts, edges, t, isForeground) {
    const [width, height, left, bottom] = [360, 220, 8, 28];
    [canvas.width, canvas.height] = [width, height];
    const context = canvas.getContext("2d");
    context.fillStyle = "white";
    context.fillRect(0, 0, width, height);
    const top = Math.max(...counts);
    const x = (value) => left + ((value - edges[0]) / (edges[edges.length - 1] - edges[0])) * (width - 2 * left);
    for (let i = 0; i < counts.length; i++) {
      context.fillStyle = `rgb(${isForeground[i] ? SKY_BLUE : GRAY})`;
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

  // ---- controls and panels ----------------------------------------------------------------

  /** A labelled native control (range or select) for one of the notebook's controls. */
  function control(spec, parent) {
    const id = `live-explorer-control-${++counter}`;
    const row = document.createElement("div");
    row.className = "live-explorer-control";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = spec.description;
    const input = document.createElement(spec.options ? "select" : "input");
    if (spec.options) for (const [text, value] of spec.options) input.add(new Option(text, value));
    else Object.assign(input, {type: "range", min: spec.min, max: spec.max, step: spec.step});
    input.id = id;
    input.value = spec.value;
    row.append(label, input);
    if (!spec.options) {
      const shown = document.createElement("output");
      shown.htmlFor = id;
      const digits = Number.isInteger(spec.step) ? 0 : decimals(spec.step);
      input.showValue = () => (shown.textContent = Number(input.value).toFixed(digits));
      input.addEventListener("input", input.showValue);
      input.showValue();
      row.append(shown);
    }
    parent.append(row);
    return input;
  }

  /** A panel: a visible title above a canvas (its accessible name), with an optional colour
   *  key under it ([[colour, words], ...]). Returns the canvas; ``canvas.setTitle(text)`` sets
   *  both names. */
  function panel(parent, title, key = []) {
    const figure = document.createElement("figure");
    figure.className = "live-explorer-panel";
    const caption = document.createElement("figcaption");
    const element = document.createElement("canvas");
    element.setAttribute("role", "img");
    element.setTitle = (text) => {
      caption.textContent = text;
      element.setAttribute("aria-label", text);
    };
    element.setTitle(title);
    figure.append(caption, element);
    if (key.length) {
      const list = document.createElement("ul");
      list.className = "live-explorer-key";
      for (const [colour, words] of key) {
        const item = document.createElement("li");
        const swatch = document.createElement("span");
        swatch.style.background = `rgb(${colour})`;
        item.append(swatch, words);
        list.append(item);
      }
      figure.append(list);
    }
    parent.append(figure);
    return element;
  }

  /** Update as a slider is dragged, the latest value winning (helpers.widgets' explorers with
   *  ipywidgets: one update at a time, then the newest value): values that arrive while an
   *  update runs become one update in the next frame. A key press or a release ("change")
   *  updates at once; nothing is computed twice for the same values. */
  function latestWins(controls, refresh) {
    let [shown, queued] = [null, false];
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
        if (!queued) requestAnimationFrame(now);
        queued = true;
      });
      input.addEventListener("change", now);
    }
    now();
  }

  // ---- the three explorers ---------------------------------------------------------------

  /** The shown range of gray levels (helpers.plotting._value_range). */
  function valueRange(data, values) {
    if (data.dtype === "uint8") return [0, 255];
    let [low, high] = [Infinity, -Infinity];
    for (const value of values) [low, high] = [Math.min(low, value), Math.max(high, value)];
    return low >= 0 && high <= 1 ? [0, 1] : [low, high];
  }

  /** helpers.widgets.threshold_explorer: the threshold's index among the counts (the
   *  slider's steps, then the menu's methods) gives the exact fraction. */
  async function thresholdExplorer(data, parts, element) {
    const [menu, direction, slider] = ["method", "foreground", "threshold"].map((name) => control(data.controls[name], parts.controls));
    const spec = data.controls.threshold;
    const shown = await floats(data.shown);
    const [width, height, size] = [data.shown_width, data.shown_height, data.width * data.height];
    const [low, high] = data.dtype === "uint8" ? [0, 255] : [data.edges[0], data.edges[256]];
    const image = panel(parts.figures, "image");
    const histogram = panel(parts.figures, "histogram of the pixel values: the foreground's bars in blue, the threshold as a red line", [[SKY_BLUE, "foreground"], [GRAY, "background"]]);
    const mask = panel(parts.figures, "mask");
    paintGray(image, width, height, grayLevels(shown, low, high));
    const methods = Object.keys(data.methods);
    const steps = stepIndex(spec, spec.max) + 1;
    const centres = data.counts.map((_, i) => (data.edges[i] + data.edges[i + 1]) / 2);
    const picture = new Uint8Array(shown.length);
    let [t, at] = [0, 0];
    const choose = () => {
      if (menu.value === "manual") [t, at] = [Number(slider.value), stepIndex(spec, Number(slider.value))];
      else [t, at] = [data.methods[menu.value], steps + methods.indexOf(menu.value)];
    };
    const refresh = () => {
      const brighter = direction.value === ">";
      const t32 = Math.fround(t); // the float32 image compared with t, as NumPy does
      for (let i = 0; i < picture.length; i++) picture[i] = (brighter ? shown[i] > t32 : shown[i] < t32) ? 255 : 0;
      paintGray(mask, width, height, picture);
      const found = percentOfFraction(brighter ? data.above[at] : data.below[at], size);
      mask.setTitle(`mask: ${found} % foreground`);
      drawHistogram(histogram, data.counts, data.edges, t, centres.map((c) => (c > t) === brighter));
      const digits = decimals(spec.step) + (Math.abs(t / spec.step - Math.round(t / spec.step)) > 1e-6 ? 1 : 0);
      parts.readout.textContent = `t = ${t.toFixed(digits)} (${menu.value}): mask = image ${direction.value} t covers ${found} % of the pixels`;
    };
    menu.addEventListener("change", () => {
      if (menu.value !== "manual") slider.value = data.methods[menu.value];
      slider.showValue();
      choose();
      refresh();
    });
    direction.addEventListener("change", refresh);
    slider.addEventListener("input", () => {
      const method = data.methods[menu.value];
      if (menu.value !== "manual" && Math.abs(Number(slider.value) - method) > spec.step / 2) menu.value = "manual";
      choose();
      refresh();
    });
    choose();
    refresh();
    element.liveExplorer = {mask: () => picture.map((v) => v / 255), histogram: () => data.counts.map((count, i) => ((centres[i] > t) === (direction.value === ">") ? count : 0))};
  }

  /** helpers.widgets.adaptive_explorer: the local mean of every pixel, the mask, the counts. */
  async function adaptiveExplorer(data, parts, element) {
    const values = await pixels(data);
    const [width, height, integer] = [data.width, data.height, data.dtype === "uint8"];
    const brighter = data.foreground === ">";
    const [block, offset, kind] = ["block_size", "offset", "method"].map((name) => control(data.controls[name], parts.controls));
    const shown = blocks(data.factor, width, data.shown_width, data.shown_height);
    const blockCounts = new Int32Array(shown.width * shown.height);
    const otsu = data.otsu;
    const globalPercent = percentOfFraction(countMask(width, height, shown, blockCounts, brighter ? (i) => values[i] > otsu : (i) => values[i] < otsu), values.length);
    const image = panel(parts.figures, "image");
    const title = `global (Otsu t = ${otsu.toFixed(integer ? 0 : 3)}): ${globalPercent} %`;
    const paintMask = (target) => paintGray(target, shown.width, shown.height, majority(blockCounts, shown.area));
    paintMask(panel(parts.figures, title));
    const local = panel(parts.figures, "local");
    const means = new Float64Array(shown.width * shown.height);
    for (let y = 0; y < shown.height * shown.factor; y++) {
      for (let x = 0; x < shown.width * shown.factor; x++) means[Math.floor(y / shown.factor) * shown.width + shown.column[x]] += values[y * width + x] / shown.area;
    }
    paintGray(image, shown.width, shown.height, grayLevels(means, ...valueRange(data, values)));
    const [across, mean] = [new Float64Array(values.length), new Float64Array(values.length)];
    let meanOf = ""; // the local mean of the last block size and kind, kept while the offset moves
    const refresh = () => {
      const [size, shift] = [Number(block.value), Number(offset.value)];
      if (meanOf !== `${kind.value} ${size}`) {
        if (kind.value === "mean") boxMean(values, width, height, size, mean);
        else separable(values, width, height, gaussianKernel(size), across, mean);
        meanOf = `${kind.value} ${size}`;
      }
      // ski.filters.threshold_local: the local mean minus the offset, in floating point
      const limit = (i) => mean[i] - shift;
      const found = percentOfFraction(countMask(width, height, shown, blockCounts, brighter ? (i) => values[i] > limit(i) : (i) => values[i] < limit(i)), values.length);
      paintMask(local);
      local.setTitle(`local (block ${size}): ${found} %`);
      parts.readout.textContent = `mask = image ${data.foreground} local ${kind.value} of a ${size} x ${size} window minus ${shift.toFixed(decimals(data.controls.offset.step))}: ${found} % of the pixels (global Otsu: ${globalPercent} %)`;
    };
    latestWins([block, offset, kind], refresh);
    element.liveExplorer = {mask: () => majority(blockCounts, shown.area).map((v) => v / 255)};
  }

  /** The root-mass explorer's readout for one row of live_explorers' table. */
  function rootMassReadout(row, data) {
    const size = data.width * data.height;
    let text = `root fraction ${percent(row[1], size)} % (Otsu t = ${row[0].toFixed(3)})`;
    if (data.truth) {
      const sizes = row[1] + data.truth_count; // helpers.widgets._dice; 1 if both are empty
      text += ` · truth ${percentOfFraction(data.truth_count, size)} % · Dice ${(sizes ? (2 * row[2]) / sizes : 1).toFixed(3)}`;
    }
    return text;
  }

  /** helpers.widgets.root_mass_explorer: the readout from the table of every setting; the
   *  mask shown is the photograph's gray levels at display resolution between Otsu's
   *  threshold and the cut-off (close to the notebook's picture, which counts every pixel). */
  async function rootMassExplorer(data, parts, element) {
    const [sigma, cut] = ["sigma", "exclude_above"].map((name) => control(data.controls[name], parts.controls));
    const [width, height] = [data.shown_width, data.shown_height];
    const [photo, levels] = [await inflate(data.photo), await inflate(data.levels)];
    const truth = data.truth ? await unpackMask(data.truth, width * height) : null;
    const found = panel(parts.figures, "photograph and roots found (sky blue)", [[SKY_BLUE, "roots found"]]);
    const key = truth ? [[[255, 255, 255], "found"], [ORANGE, "missed"], [SKY_BLUE, "extra (not in the truth)"], [[0, 0, 0], "neither"]] : [[[255, 255, 255], "roots"]];
    const comparison = panel(parts.figures, truth ? "found, missed and extra roots" : "mask", key);
    const colours = truth ? [[0, 0, 0], ORANGE, SKY_BLUE, [255, 255, 255]] : [[0, 0, 0], [255, 255, 255]];
    const mask = new Uint8Array(width * height);
    const refresh = () => {
      const row = data.table[stepIndex(data.controls.sigma, Number(sigma.value))][stepIndex(data.controls.exclude_above, Number(cut.value))];
      if (typeof row === "string") return (parts.readout.textContent = `Could not update: ${row}`);
      const limit = Number(cut.value) >= 1 ? Infinity : 255 * Number(cut.value);
      for (let i = 0; i < mask.length; i++) mask[i] = levels[i] > 255 * row[0] && levels[i] < limit ? 1 : 0;
      paint(found, width, height, (rgba) => {
        for (let i = 0, j = 0; i < mask.length; i++, j += 4) {
          for (let c = 0; c < 3; c++) {
            const level = photo[i * data.channels + (data.channels === 1 ? 0 : c)];
            rgba[j + c] = mask[i] ? Math.round(level * 0.5 + SKY_BLUE[c] * 0.5) : level;
          }
        }
      });
      paint(comparison, width, height, (rgba) => {
        for (let i = 0; i < mask.length; i++) rgba.set(colours[(truth ? truth[i] : 0) + (truth ? 2 : 1) * mask[i]], 4 * i);
      });
      parts.readout.textContent = rootMassReadout(row, data);
    };
    latestWins([sigma, cut], refresh);
    element.liveExplorer = {mask: () => mask};
  }

  const BUILDERS = {threshold: thresholdExplorer, adaptive: adaptiveExplorer, "root mass": rootMassExplorer};

  async function build(element) {
    const data = JSON.parse(element.querySelector("script.live-explorer-data").textContent);
    const still = element.querySelector("img.live-explorer-still");
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
    await BUILDERS[data.kind](data, parts, element);
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
