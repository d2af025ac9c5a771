// The Nu HTML checker (vnu.jar from the vnu-jar package) run with the machine's `java -jar`.
import { execFile } from "node:child_process";
import vnuJar from "vnu-jar";

/**
 * Checks HTML files; resolves to {errors, warnings}: arrays of
 * {file, line, column, message, extract}, grouped by the file they were found in.
 */
export function checkHtml(files) {
  return new Promise((resolve, reject) => {
    execFile(
      process.env.JAVA || "java",
      ["-jar", String(vnuJar), "--format", "json", "--exit-zero-always", ...files],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`vnu failed: ${error.message}\n${stderr}`));
          return;
        }
        let report;
        try {
          report = JSON.parse(stderr || stdout);
        } catch (e) {
          reject(new Error(`vnu printed no JSON: ${e.message}\n${stderr}${stdout}`));
          return;
        }
        const out = { errors: [], warnings: [] };
        for (const m of report.messages ?? []) {
          const item = {
            file: m.url ? decodeURIComponent(new URL(m.url).pathname) : "",
            line: m.lastLine ?? m.firstLine ?? 0,
            column: m.firstColumn ?? m.lastColumn ?? 0,
            message: m.message,
            extract: (m.extract ?? "").replace(/\s+/g, " ").trim(),
          };
          if (m.type === "error" || m.type === "non-document-error" || m.subType === "fatal") out.errors.push(item);
          else if (m.type === "info" && m.subType === "warning") out.warnings.push(item);
        }
        resolve(out);
      },
    );
  });
}
