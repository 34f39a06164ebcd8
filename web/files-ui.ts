// Files in and out of the page: the two file inputs, dropping a model on the page, and a
// download for the saved model.

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export interface FileHandlers {
  /** A model file picked with "Load model" or dropped on the page. */
  onModelFile(file: File): void;
  /** The files picked with "Use IDX files". */
  onIdxFiles(files: File[]): void;
}

export function wireFileInputs(handlers: FileHandlers): void {
  $<HTMLInputElement>('load-model').addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) handlers.onModelFile(file);
  });
  $<HTMLInputElement>('idx-files').addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    handlers.onIdxFiles(files);
  });
  const drop = $('drop');
  document.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    drop.hidden = false;
  });
  document.addEventListener('dragleave', (event) => {
    if (event.relatedTarget === null) drop.hidden = true;
  });
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.hidden = true;
    const file = event.dataTransfer?.files[0];
    if (file) handlers.onModelFile(file);
  });
}

/** Hands `bytes` to the browser as a download named `name`. */
export function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
