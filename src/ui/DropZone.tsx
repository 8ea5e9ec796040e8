import { useRef, useState, type DragEvent } from 'react';

interface Props {
  /** Accessible name of the zone and its button. */
  label: string;
  hint: string;
  accept?: string;
  multiple?: boolean;
  /** Lets the picker choose a whole folder (model folders). */
  directory?: boolean;
  onFiles(files: File[]): void;
  testId: string;
}

/** Drop files (or a folder) here, or press the button / Enter to pick them. */
export function DropZone({ label, hint, accept, multiple = true, directory = false, onFiles, testId }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (e.dataTransfer.files.length) onFiles([...e.dataTransfer.files]);
  };
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <p>{hint}</p>
      <button type="button" onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        aria-label={label}
        accept={accept}
        multiple={multiple}
        {...(directory ? { webkitdirectory: '' } : {})}
        onChange={(e) => {
          if (e.target.files?.length) onFiles([...e.target.files]);
          e.target.value = '';
        }}
      />
    </div>
  );
}
