/**
 * A structural check of the FHIR R4 NDJSON export: resource types, ids, required elements and
 * their codes per the R4 specification (Questionnaire, QuestionnaireResponse, Observation), one
 * value[x] where R4 allows one, and every reference and canonical resolving within the file.
 * Returns the problems found (empty when the file is sound). Not a full profile validator.
 */
export function fhirProblems(ndjson: string): string[] {
  const problems: string[] = [];
  const lines = ndjson.split('\n');
  if (lines.at(-1) !== '') problems.push('the file does not end with a newline');
  const resources = lines.filter((l) => l !== '').map((line, n) => {
    try {
      return JSON.parse(line) as Record<string, any>;
    } catch {
      problems.push(`line ${n + 1} is not JSON`);
      return {};
    }
  });
  const seen = new Set<string>();
  const questionnaires = new Map<string, Record<string, any>>();
  const responses = new Map<string, Record<string, any>>();
  const dateTime = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;
  const valueKeys = (o: Record<string, any>, prefix: string) => Object.keys(o).filter((k) => k.startsWith(prefix) && k.length > prefix.length && /^[A-Z]/.test(k[prefix.length]!));

  resources.forEach((r, n) => {
    const where = `line ${n + 1} (${r.resourceType}/${r.id})`;
    if (!['Questionnaire', 'QuestionnaireResponse', 'Observation'].includes(r.resourceType)) problems.push(`${where}: unexpected resourceType`);
    if (typeof r.id !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(r.id)) problems.push(`${where}: invalid id`);
    const key = `${r.resourceType}/${r.id}`;
    if (seen.has(key)) problems.push(`${where}: duplicate id`);
    seen.add(key);
    const subjectOk = (s: any) => s && s.reference === undefined && typeof s.identifier?.system === 'string' && typeof s.identifier?.value === 'string';

    if (r.resourceType === 'Questionnaire') {
      if (!['draft', 'active', 'retired', 'unknown'].includes(r.status)) problems.push(`${where}: status`);
      if (typeof r.url !== 'string' || typeof r.version !== 'string') problems.push(`${where}: url and version`);
      if (r.name !== undefined && !/^[A-Z]([A-Za-z0-9_]){0,254}$/.test(r.name)) problems.push(`${where}: name is not a computable name (que-0)`);
      const linkIds = new Set<string>();
      for (const item of r.item ?? []) {
        if (typeof item.linkId !== 'string' || item.linkId === '' || linkIds.has(item.linkId)) problems.push(`${where}: item linkId ${item.linkId}`);
        linkIds.add(item.linkId);
        const types = ['group', 'display', 'boolean', 'decimal', 'integer', 'date', 'dateTime', 'time', 'string', 'text', 'url', 'choice', 'open-choice', 'attachment', 'reference', 'quantity'];
        if (!types.includes(item.type)) problems.push(`${where}: item ${item.linkId} type ${item.type}`);
        if (item.answerOption !== undefined && !['choice', 'open-choice'].includes(item.type)) problems.push(`${where}: answerOption on a ${item.type} item (que-5)`);
        for (const option of item.answerOption ?? []) {
          const values = valueKeys(option, 'value');
          if (values.length !== 1 || !['valueInteger', 'valueDate', 'valueTime', 'valueString', 'valueCoding', 'valueReference'].includes(values[0]!)) problems.push(`${where}: item ${item.linkId} answerOption value[x]`);
          if (option.valueCoding && typeof option.valueCoding.code !== 'string') problems.push(`${where}: item ${item.linkId} coding without code`);
        }
        if (item.type === 'choice' && !(item.answerOption?.length > 0) && item.answerValueSet === undefined) problems.push(`${where}: choice item ${item.linkId} without options`);
      }
      questionnaires.set(`${r.url}|${r.version}`, r);
    }

    if (r.resourceType === 'QuestionnaireResponse') {
      if (!['in-progress', 'completed', 'amended', 'entered-in-error', 'stopped'].includes(r.status)) problems.push(`${where}: status`);
      if (!subjectOk(r.subject)) problems.push(`${where}: subject must be an identifier only`);
      if (typeof r.authored !== 'string' || !dateTime.test(r.authored)) problems.push(`${where}: authored`);
      const q = questionnaires.get(r.questionnaire);
      if (q === undefined) problems.push(`${where}: questionnaire ${r.questionnaire} is not earlier in the file`);
      for (const item of r.item ?? []) {
        const definition = q?.item.find((i: any) => i.linkId === item.linkId);
        if (definition === undefined) {
          problems.push(`${where}: item ${item.linkId} is not in the questionnaire`);
          continue;
        }
        for (const answer of item.answer ?? []) {
          const values = valueKeys(answer, 'value');
          if (values.length !== 1) problems.push(`${where}: item ${item.linkId} answer needs one value[x]`);
          const expected = { choice: 'valueCoding', integer: 'valueInteger', decimal: 'valueDecimal' }[definition.type as string];
          if (values[0] !== expected) problems.push(`${where}: item ${item.linkId} answer ${values[0]} for a ${definition.type} item`);
          if (answer.valueCoding && !definition.answerOption.some((o: any) => o.valueCoding.code === answer.valueCoding.code && o.valueCoding.system === answer.valueCoding.system)) {
            problems.push(`${where}: item ${item.linkId} answer ${answer.valueCoding.code} is not an answerOption`);
          }
          if (answer.valueInteger !== undefined && !Number.isInteger(answer.valueInteger)) problems.push(`${where}: item ${item.linkId} valueInteger`);
        }
      }
      responses.set(`QuestionnaireResponse/${r.id}`, r);
    }

    if (r.resourceType === 'Observation') {
      if (!['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'].includes(r.status)) problems.push(`${where}: status`);
      if (!(r.code?.coding?.length > 0) || r.code.coding.some((c: any) => typeof c.system !== 'string' || typeof c.code !== 'string')) problems.push(`${where}: code`);
      if (!subjectOk(r.subject)) problems.push(`${where}: subject must be an identifier only`);
      if (r.effectiveDateTime !== undefined && !dateTime.test(r.effectiveDateTime)) problems.push(`${where}: effectiveDateTime`);
      if (valueKeys(r, 'value').length > 1) problems.push(`${where}: more than one value[x]`);
      if (r.valueQuantity !== undefined && typeof r.valueQuantity.value !== 'number') problems.push(`${where}: valueQuantity.value`);
      for (const component of r.component ?? []) {
        if (!(component.code?.coding?.length > 0) || valueKeys(component, 'value').length !== 1) problems.push(`${where}: component`);
      }
      for (const { reference } of r.derivedFrom ?? []) {
        const source = responses.get(reference);
        if (source === undefined) problems.push(`${where}: derivedFrom ${reference} is not earlier in the file`);
        else if (source.subject.identifier.value !== r.subject.identifier.value) problems.push(`${where}: derivedFrom another subject`);
      }
    }
  });
  return problems;
}

export const parseNdjson = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, any>);
