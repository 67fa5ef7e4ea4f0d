/**
 * The packages Torch Doctor manages: their builds are read, planned,
 * pinned and verified together. Every list of them in the code is this one.
 */
export const MANAGED_PACKAGES = ['torch', 'torchvision', 'torchaudio'] as const;

/** One of {@link MANAGED_PACKAGES}. */
export type ManagedPackage = (typeof MANAGED_PACKAGES)[number];

/** Whether a name is one of {@link MANAGED_PACKAGES}. */
export function isManagedPackage(name: unknown): name is ManagedPackage {
  return (MANAGED_PACKAGES as readonly unknown[]).includes(name);
}
