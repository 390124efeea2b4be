// Writes a manifest-only JAR: just enough for `java -jar launcher.jar` to start a main class
// that lives in another JAR named by the manifest's Class-Path.
//
// A JAR is a ZIP archive; one stored (uncompressed) entry needs a local file header, the data,
// a central directory record and an end-of-central-directory record. Layouts per PKWARE's
// APPNOTE.TXT, sections 4.3.7, 4.3.12 and 4.3.16.
import { crc32 } from "node:zlib";

const MANIFEST_LINE_BYTES = 72;

/**
 * Renders a JAR manifest. Lines may hold at most 72 bytes; longer values continue on the next
 * line after a single space (JAR File Specification, "Name-Value pairs and Sections").
 */
export function renderManifest(attributes: readonly (readonly [string, string])[]): string {
  const lines: string[] = [];
  for (const [name, value] of attributes) {
    let rest = Buffer.from(`${name}: ${value}`, "utf8");
    let first = true;
    while (rest.length > 0) {
      const room = first ? MANIFEST_LINE_BYTES : MANIFEST_LINE_BYTES - 1;
      let cut = Math.min(room, rest.length);
      // Never split a multi-byte UTF-8 character: continuation bytes look like 10xxxxxx.
      while (cut < rest.length && cut > 0 && (rest.readUInt8(cut) & 0xc0) === 0x80) cut--;
      lines.push((first ? "" : " ") + rest.subarray(0, cut).toString("utf8"));
      rest = rest.subarray(cut);
      first = false;
    }
  }
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** A ZIP archive holding `entries` uncompressed, with a fixed timestamp so output is stable. */
export function storedZip(entries: readonly { name: string; data: Buffer }[]): Buffer {
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = (1 << 5) | 1; // 1980-01-01
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed: 1.0
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(10, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    centrals.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A JAR whose manifest starts `mainClass` from `classPath`, given as URLs relative to the
 * directory the launcher JAR is written to (the JAR specification's form for Class-Path).
 */
export function launcherJar(mainClass: string, classPath: readonly string[]): Buffer {
  const manifest = renderManifest([
    ["Manifest-Version", "1.0"],
    ["Created-By", "Malipo emulator launcher"],
    ["Main-Class", mainClass],
    ["Class-Path", classPath.join(" ")],
  ]);
  return storedZip([{ name: "META-INF/MANIFEST.MF", data: Buffer.from(manifest, "utf8") }]);
}
