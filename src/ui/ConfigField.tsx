import type { NumberField, SelectField } from '../state/configFields';
import { useStudio } from '../state/store';

/** One TrainConfig field: label, input, and its one-line explanation (the input's description). */
export function ConfigField({ field }: { field: NumberField | SelectField }) {
  const value = useStudio((s) => s.config[field.key]);
  const setConfig = useStudio((s) => s.setConfig);
  const id = `cfg-${field.key}`;
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      {field.kind === 'number' ? (
        <input
          id={id}
          type="number"
          step={field.step}
          min={field.min}
          value={value as number}
          aria-describedby={`${id}-help`}
          onChange={(e) => setConfig(field.key, Number(e.target.value))}
        />
      ) : (
        <select id={id} value={value as string} aria-describedby={`${id}-help`} onChange={(e) => setConfig(field.key, e.target.value as never)}>
          {field.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      )}
      <small id={`${id}-help`}>{field.help}</small>
    </div>
  );
}
