// Converts every *.tf file of a directory into JSON with HashiCorp's HCL parser, for the invariant tests.
// Prints {"<file name>": <parsed configuration>, ...}; exits non-zero, naming the file, on a syntax error.
'use strict';
const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');

(async () => {
  const dir = process.argv[2];
  const out = {};
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) {
    const file = path.join(dir, name);
    try {
      out[name] = await parse(file, fs.readFileSync(file, 'utf8'));
    } catch (e) {
      process.stderr.write(`${file}: ${e.message || e}\n`);
      process.exit(2);
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
