/** A small skill of our own, for events and versions. */
export function customSkill(id: string, version: string, options: { event?: string; summary?: string; errorHandling?: boolean } = {}): string {
  return `---
id: ${id}
type: skill
version: ${version}
status: active
category: sales
triggers:
  - event: ${options.event ?? 'deal_won'}
  - event: manual_invoke
inputs:
  - name: dealId
    type: string
    required: true
outputs:
  - name: summary
    type: string
permissions:
  - deal:read
---
# ${id}

## Purpose
${options.summary ?? 'Summarise a deal for the team.'}

## Process
1. Read the deal.
2. Summarise it.
${
  options.errorHandling
    ? `
## Error Handling
| Error | Action |
| --- | --- |
| The deal is unclear | Request additional info |
| The deal looks wrong | Flag for manual review |
`
    : ''
}`;
}
