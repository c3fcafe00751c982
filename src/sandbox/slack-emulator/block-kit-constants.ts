/**
 * Slack's Block Kit limits, from Slack's reference pages (docs.slack.dev/reference/block-kit/…,
 * docs.slack.dev/reference/views/modal-views). Product code may import these to stay inside them.
 */
export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** Top-level `text` of a message: Slack truncates beyond this rather than failing. */
  messageText: 40_000,
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  id: 255,
  buttonText: 75,
  buttonValue: 2000,
  accessibilityLabel: 75,
  url: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  imageAltText: 2000,
  imageTitle: 2000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  overflowOptions: 5,
  choiceOptions: 10,
  textInputLength: 3000,
  markdownBlockText: 12_000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  /** views.*: "view_too_large" above 250 kB (views.open docs). */
  viewBytes: 250_000,
  /**
   * NOTE: Slack refuses messages whose blocks carry roughly 13k characters of text in total with the
   * undocumented `msg_blocks_too_long` (slackapi/bolt-js#2509 measured 13,172–13,297). We stop at
   * 12,000 so anything the emulator accepts is clear of it.
   */
  messageBlocksText: 12_000,
} as const;

export const BLOCK_TYPES = [
  "section",
  "divider",
  "header",
  "context",
  "actions",
  "image",
  "input",
  "rich_text",
  "markdown",
  "video",
  "file",
] as const;

const SELECTS = [
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
] as const;
const MULTI_SELECTS = SELECTS.map((s) => `multi_${s}`);
const PICKERS = ["datepicker", "timepicker", "datetimepicker"] as const;
const CHOICES = ["checkboxes", "radio_buttons"] as const;

export const ACTIONS_ELEMENTS: readonly string[] = [
  "button",
  "overflow",
  "workflow_button",
  ...SELECTS,
  ...MULTI_SELECTS,
  ...PICKERS,
  ...CHOICES,
];
export const ACCESSORY_ELEMENTS: readonly string[] = [...ACTIONS_ELEMENTS, "image"];
export const INPUT_ELEMENTS: readonly string[] = [
  "plain_text_input",
  "number_input",
  "email_text_input",
  "url_text_input",
  "rich_text_input",
  "file_input",
  ...SELECTS,
  ...MULTI_SELECTS,
  ...PICKERS,
  ...CHOICES,
];
