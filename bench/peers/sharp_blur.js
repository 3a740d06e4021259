#!/usr/bin/env node
// sharp over a batch, the way its README shows it, with as many files in
// flight as there are CPUs (sharp's own thread settings left at their defaults).
//
//   node sharp_blur.js SIGMA|thumb800 OUT_DIR INPUT...
//
// sharp(in).blur(SIGMA) is libvips' gaussblur with that sigma; JPEG and WebP
// outputs at quality 90. thumb800: sharp(in).resize(800, 800, {fit: 'inside',
// withoutEnlargement: true}) (libvips shrink-on-load, then lanczos3), JPEG
// quality 85. The output keeps the input's name and format.
'use strict';
const os = require('os');
const path = require('path');
const fs = require('fs');
const sharp = require('sharp');

const [sigmaArg, outDir, ...inputs] = process.argv.slice(2);
const thumb = sigmaArg === 'thumb800';
const sigma = Number(sigmaArg);
const quality = thumb ? 85 : 90;
fs.mkdirSync(outDir, { recursive: true });

function blurOne(input) {
  const out = path.join(outDir, path.basename(input));
  const ext = path.extname(input).toLowerCase();
  let pipeline = thumb
    ? sharp(input).resize(800, 800, { fit: 'inside', withoutEnlargement: true })
    : sharp(input).blur(sigma);
  if (ext === '.jpg' || ext === '.jpeg') pipeline = pipeline.jpeg({ quality });
  else if (ext === '.webp') pipeline = pipeline.webp({ quality });
  else if (ext === '.png') pipeline = pipeline.png();
  return pipeline.toFile(out);
}

async function main() {
  let next = 0;
  const lane = async () => {
    while (next < inputs.length) await blurOne(inputs[next++]);
  };
  const lanes = Array.from({ length: Math.min(os.cpus().length, inputs.length) }, lane);
  await Promise.all(lanes);
  console.log(`sharp: ${inputs.length} images (libvips threads per image: ${sharp.concurrency()})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
