<?php
$string['pluginname'] = 'File submissions';
