/** Dotted property path: `service_line`, `appointment.clinic_id`. Never a prototype key. */
export const PROPERTY_PATH = /^(?!.*(?:^|\.)(?:__proto__|constructor|prototype)(?:\.|$))[^.\s]{1,128}(\.[^.\s]{1,128}){0,7}$/;
