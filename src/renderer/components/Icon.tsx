// Small inline SVG icons (no icon font, no emoji: they must render on any system).
const PATHS = {
  folder: 'M1.5 3.5A1 1 0 0 1 2.5 2.5h3.6l1.4 1.5h6a1 1 0 0 1 1 1v7.5a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1z',
  file: 'M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3',
  bucket: 'M2 3.5h12l-1.5 10.5a1 1 0 0 1-1 .9h-7a1 1 0 0 1-1-.9zM2 3.5c0-1 2.7-2 6-2s6 1 6 2',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg className={className ? `icon-svg ${className}` : 'icon-svg'} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
