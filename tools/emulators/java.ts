// Finds a Java runtime new enough for the Firestore and Pub/Sub emulators.
//
// Search order (ARCHITECTURE.md, "How it runs locally"): JAVA_HOME, then every `java` on PATH,
// then the operating system's JVM directories. The first candidate whose major version is at
// least MIN_JAVA_MAJOR wins; older ones are remembered so the error can say what was found.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

export const MIN_JAVA_MAJOR = 21;

export interface JavaRuntime {
  /** Absolute path of the `java` executable. */
  readonly executable: string;
  /** The directory to put first on PATH. */
  readonly binDir: string;
  /** The directory to export as JAVA_HOME. */
  readonly home: string;
  readonly major: number;
  /** Where it was found: "JAVA_HOME", "PATH" or the JVM directory searched. */
  readonly source: string;
}

export interface JavaSearchEnv {
  readonly JAVA_HOME?: string | undefined;
  readonly PATH?: string | undefined;
  /** Colon-separated JVM directories; replaces the platform default when set. */
  readonly MALIPO_JVM_DIRS?: string | undefined;
}

export type JavaSearchResult =
  | { readonly found: true; readonly java: JavaRuntime }
  | { readonly found: false; readonly tooOld: readonly JavaRuntime[]; readonly message: string };

/** The conventional JVM install directories of each platform (not machine-specific paths). */
export function defaultJvmDirs(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === "darwin") return ["/Library/Java/JavaVirtualMachines"];
  if (platform === "linux") return ["/usr/lib/jvm", "/usr/java", "/opt/java"];
  return [];
}

/**
 * Parses the first line of `java -version` ("openjdk version \"25.0.1\"", "java version
 * \"1.8.0_402\"") into a major version. Java 8 and older report "1.x".
 */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  if (first === 1 && match[2] !== undefined) return Number(match[2]);
  return first;
}

function probe(executable: string, source: string): JavaRuntime | undefined {
  if (!isExecutableFile(executable)) return undefined;
  const result = spawnSync(executable, ["-version"], { encoding: "utf8", timeout: 20_000 });
  if (result.error || result.status !== 0) return undefined;
  const major = parseJavaMajor(`${result.stderr}\n${result.stdout}`);
  if (major === undefined) return undefined;
  const real = realpathSync(executable);
  const binDir = path.dirname(real);
  return { executable: real, binDir, home: path.dirname(binDir), major, source };
}

function isExecutableFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function candidatesIn(jvmDir: string): string[] {
  if (!existsSync(jvmDir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(jvmDir).sort().reverse()) {
    // Linux layouts put bin/ directly in the JDK; macOS bundles put it under Contents/Home.
    found.push(path.join(jvmDir, entry, "bin", "java"));
    found.push(path.join(jvmDir, entry, "Contents", "Home", "bin", "java"));
  }
  return found;
}

/** Every place a `java` may be, in search order, with where it came from. */
export function javaCandidates(env: JavaSearchEnv): { executable: string; source: string }[] {
  const list: { executable: string; source: string }[] = [];
  if (env.JAVA_HOME) list.push({ executable: path.join(env.JAVA_HOME, "bin", "java"), source: "JAVA_HOME" });
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    list.push({ executable: path.join(dir, "java"), source: "PATH" });
  }
  const jvmDirs =
    env.MALIPO_JVM_DIRS !== undefined ? env.MALIPO_JVM_DIRS.split(path.delimiter).filter(Boolean) : defaultJvmDirs();
  for (const dir of jvmDirs) {
    for (const executable of candidatesIn(dir)) list.push({ executable, source: dir });
  }
  return list;
}

export function findJava(env: JavaSearchEnv): JavaSearchResult {
  const tooOld: JavaRuntime[] = [];
  const seen = new Set<string>();
  for (const candidate of javaCandidates(env)) {
    const java = probe(candidate.executable, candidate.source);
    if (!java || seen.has(java.executable)) continue;
    seen.add(java.executable);
    if (java.major >= MIN_JAVA_MAJOR) return { found: true, java };
    tooOld.push(java);
  }
  return { found: false, tooOld, message: missingJavaMessage(tooOld) };
}

function missingJavaMessage(tooOld: readonly JavaRuntime[]): string {
  const install =
    `install a Java ${MIN_JAVA_MAJOR} or newer (for example Temurin ${MIN_JAVA_MAJOR}, or Debian's ` +
    `openjdk-${MIN_JAVA_MAJOR}-jre-headless) and point JAVA_HOME at it`;
  const newest = [...tooOld].sort((a, b) => b.major - a.major)[0];
  if (!newest) {
    return `Malipo's Firestore and Pub/Sub emulators need Java ${MIN_JAVA_MAJOR} or newer and no Java was found in JAVA_HOME, on PATH or in the system's JVM directory: ${install}.`;
  }
  return `Malipo's Firestore and Pub/Sub emulators need Java ${MIN_JAVA_MAJOR} or newer, but the newest Java found is ${newest.major} (${newest.executable}): ${install}.`;
}
