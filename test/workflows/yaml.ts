import { load } from "js-yaml";

/** Parses one YAML document; throws with the file name and position on a syntax error. */
export function parseYaml(text: string, filename = "<inline>"): unknown {
  return load(text, { filename });
}
