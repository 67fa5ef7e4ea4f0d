import { LabIcon } from '@jupyterlab/ui-components';

import torchDoctorSvg from '../style/icons/torch-doctor.svg';

/**
 * The extension's icon: a flame with a plus, used for the sidebar tab.
 */
export const torchDoctorIcon = new LabIcon({
  name: 'jupyterlab-torch-doctor:icon',
  svgstr: torchDoctorSvg
});
