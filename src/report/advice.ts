/**
 * Inputs and outputs of the advice engine, part of the contract: the
 * model's state and the public token carry them. Every sentence is an IMessage:
 * the views translate it; ids, evidence and cells stay data.
 */
import type { IMessage } from './message';

/** Which CUDA variant a plan prefers when several fit. */
export type CudaPolicy = 'newest' | 'pytorch-default' | 'keep';

/**
 * Settings the engine takes besides the report.
 */
export interface IAdviceSettings {
  /** Stable releases, or nightly builds (`--pre`, `/whl/nightly/<variant>`). */
  channel: 'stable' | 'nightly';
  /** The index base, e.g. https://download.pytorch.org/whl or a mirror. */
  indexBaseUrl: string;
  /** Packages to manage, from torch, torchvision and torchaudio. */
  packages: string[];
  /** Which CUDA variant to prefer. */
  cudaPolicy: CudaPolicy;
  /** Whether a release older than the newest may be proposed. */
  allowOlderTorch: boolean;
  /** What runs the install cell (src/advice/installer.ts). */
  installer: InstallerSetting;
}

/** The installer setting: `auto` picks uv where it is safe, else pip. */
export type InstallerSetting = 'auto' | 'pip' | 'uv';

/** The engine's verdict on a kernel's torch. */
export type Verdict =
  | 'ok'
  | 'works-but-suboptimal'
  | 'wrong-build'
  | 'broken'
  | 'no-torch'
  | 'no-accelerator-visible'
  | 'unsupported-platform'
  | 'unknown';

/** How much a finding matters. */
export type Severity = 'info' | 'warning' | 'error';

/**
 * One reason behind the verdict, with the report fields it rests on.
 */
export interface IFinding {
  /** A stable id for tests and for the UI, e.g. 'cpu-build-on-gpu'. */
  id: string;
  severity: Severity;
  /** One plain-language sentence or two. */
  message: IMessage;
  /** Report fields and their values, e.g. {'nvidia.driver': '550.144.03'}. */
  evidence: { [field: string]: string | number | boolean | null };
}

/** What a plan installs for one package. */
export interface IPlannedPackage {
  name: string;
  /** Exact version with its local tag, or null for nightly (newest). */
  version: string | null;
  /** Installed build before the plan, or null. */
  replaces: string | null;
}

/**
 * One install plan, ready to become a notebook cell.
 */
export interface IPlan {
  /** A short title, e.g. 'Install torch 2.13.0 for CUDA 13.0'. */
  title: IMessage;
  /** 'install' plans carry a cell; 'driver' plans tell what to upgrade. */
  kind: 'install' | 'driver' | 'manual';
  /** cpu, cu126, rocm7.2, xpu or default (macOS/PyPI). */
  variant: string;
  /** The torch release the plan targets. */
  torch: string | null;
  packages: IPlannedPackage[];
  /** The --index-url, or null for PyPI (macOS). */
  indexUrl: string | null;
  /** The exact text of the notebook cell, or '' when the plan is not a cell. */
  cell: string;
  /** Approximate download in MB. */
  downloadMb: number | null;
  /** The installer of the cell and why; absent where there is no cell. */
  installer?: { tool: 'pip' | 'uv'; reason: IMessage } | null;
  /** Whether the wheels were confirmed on the index, or come from the data file. */
  confirmedBy: 'live-index' | 'data';
  /** Packages that the plan would break (CUDA-tied builds) and other cautions. */
  warnings: IMessage[];
  /** What verification must see after the install and a restart. */
  expect: {
    packages: { [name: string]: string };
    accelerator: boolean;
    device: string;
  } | null;
}

/**
 * The engine's answer.
 */
export interface IAdvice {
  verdict: Verdict;
  /** One sentence for the panel and status bar. */
  summary: IMessage;
  findings: IFinding[];
  plans: IPlan[];
  /** The data file's date, so the UI can show how old its knowledge is. */
  dataAsOf: string;
  /** Facts the engine needed but the report lacked (verdict 'unknown'). */
  missing: string[];
  /** The newest torch the live index serves that the data does not know as seen. */
  indexNewer?: string | null;
  /** This kernel's wheel tags, so index queries can ask for fitting metadata. */
  wheel?: { tag: string; platform: string[] } | null;
  /** More index queries worth asking: CUDA variants newer than the data. */
  discover?: IIndexQuery[];
  /** The PyPI (or the user's mirror) the live check also reads. */
  pypiIndex?: string;
  /** The CUDA library findings of the report's inventory; null without one. */
  cudaLibs?: ICudaLibsAdvice | null;
}

export type { ILiveIndex } from './outcome';
import type { IIndexQuery } from './outcome';

/** A finding about the CUDA libraries, with its fix. */
export interface ICudaFinding extends IFinding {
  /** An exact cell to run, or null. */
  cell: string | null;
  /** What cannot be fixed in place, or how to fix it outside the kernel. */
  note: IMessage | null;
}

/** What the panel shows: the inventory's rows and the findings. */
export interface ICudaLibsAdvice {
  /** Installed CUDA-family distributions, torch first when it is a CUDA build. */
  rows: { name: string; version: string; cuda: number | null }[];
  conda: { name: string; version: string }[];
  ldPaths: { path: string; libs: string[] }[];
  findings: ICudaFinding[];
  /** Whether any finding is an error (the status bar says so). */
  hasError: boolean;
}
